/**
 * Starts a Worker from a wrangler config on a loopback port, in memory (nothing persisted), through
 * wrangler itself: for bridge tests and benchmarks that need a real Worker.
 */
import { unstable_startWorker } from "wrangler";

export async function startLocalWorker(configPath: string) {
  const worker = await unstable_startWorker({
    config: configPath,
    dev: {
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
