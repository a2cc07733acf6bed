/**
 * `node tcp-bridge/src/main.ts [flags]`: runs the CMQ TCP bridge (flags and environment in
 * config.ts). SIGINT / SIGTERM shut it down gracefully.
 */
import { startBridge } from "./bridge";
import { readConfig } from "./config";

const config = readConfig(process.argv.slice(2), process.env);
const log = (message: string) => console.log(`[tcp-bridge] ${message}`);
const bridge = await startBridge(config, log);
log(
  `listening on ${bridge.address.host}:${bridge.address.port}, forwarding to ${config.workerUrl}`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log("shutting down");
  await bridge.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
