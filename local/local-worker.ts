/**
 * Runs the Worker locally for `npm start`, the bridge tests and the benchmarks, with the local
 * defaults (local/defaults.env) as its secrets. Two ways:
 * - `startMiniflareWorker`: bundle with wrangler (once per version: bundle-cache.ts), then serve it
 *   with Miniflare directly on a loopback port. No wrangler dev proxy in front, the local bottleneck
 *   (docs/architecture.md "Local serving"); storage can persist where `wrangler dev` keeps it.
 *   Requests reach the Worker on a socket of its own, not through Miniflare's entry worker (a
 *   quarter of workerd's CPU per request in profiles; it adds request.cf, logging and dev-registry
 *   routing, none of which cmq-edge uses). A disconnect relay sits in front of that socket
 *   (disconnect-relay.ts), so a client that goes away cancels its request.
 * - `startLocalWorker`: through wrangler itself (`unstable_startWorker`), bundling on the fly.
 */
import { dirname, join } from "node:path";
// miniflare is pinned to the 5.x beta that wrangler and @cloudflare/vitest-plugin themselves pin
// exactly (5.x is published only as betas; npm's "latest" is the 4.x line). The 4.x release works
// here too (its options need no convertV4MiniflareOptions), but npm then installs it beside their
// 5.x copies: npm start and the benchmarks would run an older workerd (2026-07-30, before the
// Worker's compatibility_date) than the tests and `npm run dev`, on the same storage.
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import {
  unstable_getMiniflareWorkerOptions,
  unstable_readConfig,
  unstable_startWorker,
} from "wrangler";
import { workerBundle } from "./bundle-cache";
import { type Relay, startDisconnectRelay } from "./disconnect-relay";
import { LOCAL_DEFAULTS_FILE } from "./local-defaults";

export interface LocalWorker {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:8787 */
  url: string;
  dispose(): Promise<void>;
}

/**
 * `secrets` replace values of local/defaults.env for this Worker only (the bridge tests give it a
 * second tenant); wrangler lets bindings passed here win over its env files.
 */
export async function startLocalWorker(
  configPath: string,
  secrets: Record<string, string> = {},
): Promise<LocalWorker> {
  const bindings = Object.fromEntries(
    Object.entries(secrets).map(([name, value]) => [name, { type: "secret_text" as const, value }]),
  );
  const worker = await unstable_startWorker({
    config: configPath,
    envFiles: [LOCAL_DEFAULTS_FILE],
    bindings,
    dev: {
      // Tests and soaks run while the tree may be edited: a reload would fail in-flight requests.
      watch: false,
      persist: false,
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      remote: false,
      logLevel: "warn",
    },
  });
  const url = await worker.url;
  return { url: url.toString().replace(/\/$/, ""), dispose: () => worker.dispose() };
}

export interface MiniflareWorkerOptions {
  configPath: string;
  /** Loopback port; 0 picks a free one. */
  port?: number;
  /** Where to keep storage, as `wrangler dev --persist-to`; omitted means in memory. */
  persistTo?: string;
  /** Opens the V8 inspector on this loopback port, for CPU profiles of the Worker and objects. */
  inspectorPort?: number;
  /** The Worker logs one JSON line per request (CMQ_LOG_REQUESTS=1), printed on stdout. */
  logRequests?: boolean;
}

/** wrangler reads `envFiles` here as `wrangler dev --env-file` does; its declarations omit it. */
type WorkerOptionsFrom = (
  configPath: string,
  env: undefined,
  options: { envFiles: string[] },
) => ReturnType<typeof unstable_getMiniflareWorkerOptions>;

/** Options wrangler derives from the config that a bundled, local-only Worker does not use. */
const UNUSED_OPTIONS = ["modulesRules", "rootPath"];

/** Serves the Worker's bundle (bundle-cache.ts) with Miniflare directly. */
export async function startMiniflareWorker(options: MiniflareWorkerOptions): Promise<LocalWorker> {
  const entry = workerBundle(options.configPath);
  const { workerOptions } = (unstable_getMiniflareWorkerOptions as WorkerOptionsFrom)(
    options.configPath,
    undefined,
    { envFiles: [LOCAL_DEFAULTS_FILE] },
  );
  const worker: Record<string, unknown> = { ...workerOptions };
  const consoleAssets = assetsWorker(worker);
  if (options.logRequests) {
    worker.bindings = { ...(worker.bindings as object), CMQ_LOG_REQUESTS: "1" };
  }
  for (const key of UNUSED_OPTIONS) delete worker[key];
  for (const [key, value] of Object.entries(worker)) {
    const empty = Array.isArray(value)
      ? value.length === 0
      : value && typeof value === "object" && Object.keys(value).length === 0;
    if (empty) delete worker[key];
  }
  const mfOptions = convertV4MiniflareOptions({
    // Miniflare's entry worker still listens, on a free port; clients use the direct socket.
    host: "127.0.0.1",
    port: 0,
    workers: [
      {
        ...worker,
        // Durable Objects are keyed by worker and class name: the same name as wrangler dev uses
        // makes both find the same objects in the same storage.
        name: unstable_readConfig({ config: options.configPath }).name,
        modules: true,
        scriptPath: entry,
        modulesRoot: dirname(entry),
        // Behind the disconnect relay, which listens on the port asked for.
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      ...(consoleAssets ? [consoleAssets] : []),
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]);
  // The layout `wrangler dev --persist-to` uses, so both see the same queues.
  if (options.persistTo) mfOptions.resourcePersistencePath = join(options.persistTo, "v3");
  if (options.inspectorPort !== undefined) mfOptions.inspectorPort = options.inspectorPort;
  let relay: Relay | undefined;
  const disposeAll = async () => {
    await relay?.close();
    await mf.dispose().catch(() => {});
  };
  const mf = new Miniflare(mfOptions);
  try {
    await mf.ready;
    const direct = await mf.unsafeGetDirectURL();
    relay = await startDisconnectRelay("127.0.0.1", options.port ?? 0, {
      host: direct.hostname,
      port: Number(direct.port),
    });
  } catch (error) {
    // A port in use, say: leave no workerd behind.
    await disposeAll();
    throw error;
  }
  return { url: `http://127.0.0.1:${relay.port}`, dispose: disposeAll };
}

/** The assets-only Worker that serves the console's files to the Worker's ASSETS binding. */
const ASSETS_WORKER = "cmq-edge-assets";

/**
 * Takes the static assets (the web console) off the Worker and gives them to a Worker of their
 * own, bound as the Worker's ASSETS, which its /console route calls. With assets on the Worker
 * itself, Miniflare puts its asset router and a proxy in front of the direct socket, on every
 * request: measured here, workerd CPU per SendMessage went from ~0.49 ms to ~1.0 ms (0.75 ms
 * with run_worker_first), halving what npm start serves.
 */
function assetsWorker(worker: Record<string, unknown>): Record<string, unknown> | undefined {
  const assets = worker.assets as { binding?: string; directory: string } | undefined;
  delete worker.assets;
  if (!assets?.binding) return undefined;
  worker.serviceBindings = {
    ...(worker.serviceBindings as object | undefined),
    [assets.binding]: ASSETS_WORKER,
  };
  return {
    name: ASSETS_WORKER,
    compatibilityDate: worker.compatibilityDate,
    modules: true,
    // Reached only for a path with no file (the asset router answers the rest): as on Cloudflare.
    script: "export default { fetch: () => new Response('not found', { status: 404 }) };",
    assets: { ...assets, binding: undefined, routerConfig: { has_user_worker: false } },
  };
}
