/**
 * Bench-only Worker (not part of cmq-edge): the platform's ceiling on this machine. `/noop`
 * answers at once; `/insert?n=N` does N SQLite inserts in one Durable Object call.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  BASELINE: DurableObjectNamespace<Baseline>;
}

export class Baseline extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS message (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)",
    );
  }

  async insert(body: string, n: number): Promise<number> {
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      this.ctx.storage.sql.exec("INSERT INTO message (body, at) VALUES (?, ?)", body, now);
    }
    return n;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/noop") return new Response("ok");
    const n = Number(url.searchParams.get("n") ?? "1");
    const stub = env.BASELINE.get(env.BASELINE.idFromName("baseline"));
    return new Response(String(await stub.insert(await request.text(), n)));
  },
} satisfies ExportedHandler<Env>;
