/**
 * How the bridge reaches the Worker: the internal route (src/contract/)
 * over a pool of keep-alive HTTP connections (undici), authenticated by the bridge token. Works
 * against `wrangler dev` locally or a deployed Worker's URL alike.
 */
import { Pool } from "undici";
import { BRIDGE_ROUTE, type BridgeCall } from "../../src/contract/bridge-calls";
import type { BridgeResult } from "../../src/contract/bridge-results";
import type { Outcome } from "../../src/domain/outcome";

export interface WorkerChannel {
  call<C extends BridgeCall>(
    call: C,
    signal?: AbortSignal,
  ): Promise<Outcome<BridgeResult[C["op"]]>>;
  /** Waits for calls in flight, up to `graceMs`, then cuts the rest off. */
  close(graceMs: number): Promise<void>;
}

export interface HttpChannelOptions {
  /** The Worker's origin, e.g. http://127.0.0.1:8787 or https://cmq.example.workers.dev */
  workerUrl: string;
  token: string;
  connections: number;
  /** Connections for pulls, which may each hold one for a whole long poll. */
  pollConnections: number;
}

export class HttpWorkerChannel implements WorkerChannel {
  /** Sends, deletes, publishes and auth: short calls. */
  private readonly pool: Pool;
  /** Pulls have their own pool, so parked long polls never hold up other calls. */
  private readonly polls: Pool;
  private readonly path: string;

  constructor(private readonly options: HttpChannelOptions) {
    const url = new URL(options.workerUrl);
    this.pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
    this.polls = new Pool(url.origin, { connections: options.pollConnections, pipelining: 1 });
    this.path = `${url.pathname.replace(/\/$/, "")}${BRIDGE_ROUTE}`;
  }

  async call<C extends BridgeCall>(
    call: C,
    signal?: AbortSignal,
  ): Promise<Outcome<BridgeResult[C["op"]]>> {
    const pool = call.op === "receive" ? this.polls : this.pool;
    const response = await pool.request({
      signal,
      method: "POST",
      path: this.path,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(call),
      // Long polls hold a call open up to 30 s.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const text = await response.body.text();
    try {
      return JSON.parse(text) as Outcome<BridgeResult[C["op"]]>;
    } catch {
      throw new Error(`Worker answered HTTP ${response.statusCode} with a body that is not JSON`);
    }
  }

  async close(graceMs: number): Promise<void> {
    const closed = Promise.all([this.pool.close(), this.polls.close()]);
    const late = new Promise<"late">((resolve) =>
      setTimeout(() => resolve("late"), graceMs).unref(),
    );
    if ((await Promise.race([closed, late])) === "late")
      await Promise.all([this.pool.destroy(), this.polls.destroy()]);
  }
}
