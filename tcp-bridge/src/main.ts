/**
 * `node tcp-bridge/src/main.ts [flags]`: runs the CMQ TCP bridge (flags and environment in
 * config.ts). SIGINT / SIGTERM shut it down gracefully. Started by `npm start` (local/start.ts),
 * it also reports over the IPC channel once it listens, and stops when that channel closes: the
 * process that started it is gone, however it went, and nothing is left to serve.
 */
import { type RunningBridge, startBridge } from "./bridge";
import { type BridgeConfig, readConfig } from "./config";
import type { BridgeMessage } from "./parent-channel";
import { isAddressInUse, portInUseMessage } from "./port-holder";

/** How long a bridge whose parent is gone may spend closing connections before it exits. */
const ORPHAN_GRACE_MS = 250;
/** Started with an IPC channel, i.e. by a parent that wants to hear from it. */
const supervised = process.send !== undefined;

const log = (message: string) => console.log(`[tcp-bridge] ${message}`);

function fail(message: string, exitCode: number): never {
  console.error(`[tcp-bridge] ${message}`);
  process.exit(exitCode);
}

/** Resolves once the message has left (or at once when the parent is gone). */
function tell(message: BridgeMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

let bridge: RunningBridge | undefined;
let stopping: Promise<void> | undefined;
/** Stops once (later calls only add a deadline); exits when stopped or when `graceMs` passed. */
function stop(why: string, graceMs?: number): void {
  if (!bridge) process.exit(0);
  if (!stopping) {
    log(why);
    stopping = bridge.stop();
  }
  const deadline =
    graceMs === undefined ? [] : [new Promise((resolve) => setTimeout(resolve, graceMs))];
  void Promise.race([stopping, ...deadline]).then(() => process.exit(0));
}
process.on("SIGINT", () => stop("shutting down"));
process.on("SIGTERM", () => stop("shutting down"));
// Registered before listening: a parent may die while the bridge is still starting.
process.on("disconnect", () =>
  stop("the process that started the bridge is gone; shutting down", ORPHAN_GRACE_MS),
);

let config: BridgeConfig;
try {
  config = readConfig(process.argv.slice(2), process.env);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 2);
}

try {
  bridge = await startBridge(config, log);
} catch (error) {
  if (!isAddressInUse(error)) throw error;
  // Node's error names the port it could not bind: the TCP port, or the metrics port.
  const port = (error as { port?: number }).port ?? config.port;
  const which = port === config.metricsPort && port !== config.port ? "metrics" : "tcp";
  // Under `npm start` the parent words it, naming its own option for the port.
  if (!supervised) {
    const [what, flag] = which === "tcp" ? ["TCP", "--port"] : ["Metrics", "--metrics-port"];
    fail(portInUseMessage(what, port, flag), 1);
  }
  await tell({ type: "port-in-use", port, which });
  process.exit(1);
}
log(
  `listening on ${bridge.address.host}:${bridge.address.port}, forwarding to ${config.workerUrl}`,
);
const metrics = bridge.metricsAddress;
if (metrics) log(`metrics on http://${metrics.host}:${metrics.port}/metrics`);
await tell({ type: "listening", ...bridge.address, metricsPort: metrics?.port });
