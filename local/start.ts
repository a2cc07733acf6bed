/**
 * `npm start`: runs cmq-edge locally on persisted storage — the Worker served by Miniflare directly
 * on http://127.0.0.1:8787 (no wrangler dev proxy in front: the fastest local path, see
 * docs/architecture.md "Local serving"; `npm run dev` is plain wrangler dev on the same storage)
 * and the TCP bridge on 127.0.0.1:6380 in front of it — and prints the default credential
 * (local/defaults.env) once both accept connections. Nothing outlives it: the bridge stops when
 * start's IPC channel closes, and a watchdog ends workerd (local/watchdog.ts), also when start or
 * its whole process group is killed with SIGKILL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type BridgeMessage, isBridgeMessage } from "../tcp-bridge/src/parent-channel";
import { isAddressInUse, portInUseMessage } from "../tcp-bridge/src/port-holder";
import { httpsBanner, type LocalHttps, startLocalHttps } from "./https-server";
import { localCredential, localDefaults } from "./local-defaults";
import type { LocalWorker } from "./local-worker";
import { RUN_MARK } from "./process-marks";
import { parseStartOptions } from "./start-options";

const parsed = parseStartOptions(process.argv.slice(2), process.env);
if (parsed.kind === "help") {
  console.log(parsed.text);
  process.exit(0);
}
if (parsed.kind === "usage-error") {
  console.error(parsed.text);
  process.exit(2);
}
const { options } = parsed;

// Before anything is spawned: every descendant inherits it, whichever process group it is in.
process.env[RUN_MARK] = `${process.pid}-${randomUUID()}`;

/**
 * In a group of its own, so a SIGKILL of start's group does not take it along; it finds what to
 * end through /proc, hence Linux only.
 */
function startWatchdog(): void {
  if (process.platform !== "linux") return;
  const watchdog = spawn(process.execPath, [new URL("./watchdog.ts", import.meta.url).pathname], {
    detached: true,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  watchdog.unref();
  watchdog.channel?.unref();
}
startWatchdog();

let stopping = false;
let worker: LocalWorker | undefined;
let bridge: ChildProcess | undefined;
const bridgeGone = Promise.withResolvers<void>();

let https: LocalHttps | undefined;
function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  if (bridge && bridge.exitCode === null && bridge.signalCode === null) bridge.kill("SIGTERM");
  else bridgeGone.resolve();
  // Exit once the Worker is disposed (its workerd stopped, its bundle removed) and the bridge has
  // stopped, or after 5 s.
  void Promise.race([
    Promise.all([
      https?.close().catch(() => {}),
      worker?.dispose().catch(() => {}),
      bridgeGone.promise,
    ]),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ]).then(() => process.exit(exitCode));
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

/**
 * `npm` does not pass SIGTERM on to its script, so also stop when the process that started us
 * (npm, and the shell between) goes away, instead of leaving the Worker holding its port.
 */
function ancestors(): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 3) {
    chain.push(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((.*)\)/.exec(stat)?.[1] ?? "";
      if (name.startsWith("npm")) break;
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return chain;
}

const watched = ancestors();
setInterval(() => {
  for (const pid of watched) {
    try {
      process.kill(pid, 0);
    } catch {
      stop(0);
    }
  }
}, 1000).unref();

/**
 * Starts the bridge in start's own process group, with an IPC channel it reports on and that
 * stops it when start is gone; resolves with its address once it accepts connections.
 */
function startBridge(
  workerUrl: string,
): Promise<{ host: string; port: number; metricsPort?: number }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("../tcp-bridge/src/main.ts", import.meta.url).pathname,
      "--port",
      String(options.tcpPort),
      "--worker-url",
      workerUrl,
      "--bridge-token",
      localDefaults().CMQ_BRIDGE_TOKEN,
      "--metrics-port",
      String(options.bridgeMetricsPort),
    ],
    {
      stdio: ["inherit", "inherit", "inherit", "ipc"],
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    },
  );
  bridge = child;
  return new Promise((resolve) => {
    let listening = false;
    child.on("message", (message: unknown) => {
      if (!isBridgeMessage(message)) return;
      const m: BridgeMessage = message;
      if (m.type === "listening") {
        listening = true;
        resolve(m);
      } else {
        const [what, flag] =
          m.which === "tcp" ? ["TCP", "--tcp-port"] : ["Bridge metrics", "--bridge-metrics-port"];
        console.error(`cmq-edge: ${portInUseMessage(what, m.port, flag)}`);
        stop(1);
      }
    });
    // "close", not "exit": it comes after the channel's last message, such as "port-in-use".
    child.on("close", (code, signal) => {
      bridgeGone.resolve();
      if (stopping) return;
      // A bridge that failed to start said why itself; one killed by a signal could not.
      if (listening || signal !== null)
        console.error(`cmq-edge: the TCP bridge exited (${signal ?? code}); stopping`);
      stop(code || 1);
    });
  });
}

// Only now: wrangler and Miniflare take seconds to load, which `--help` should not wait for.
const { startMiniflareWorker } = await import("./local-worker");
try {
  worker = await startMiniflareWorker({
    configPath: new URL("../wrangler.toml", import.meta.url).pathname,
    port: options.httpPort,
    persistTo: options.persistTo,
    logRequests: options.logRequests,
  });
} catch (error) {
  if (!isAddressInUse(error)) throw error;
  console.error(`cmq-edge: ${portInUseMessage("HTTP", options.httpPort, "--http-port")}`);
  process.exit(1);
}
// The same Worker over TLS on its own port (local/https-server.ts).
try {
  https = await startLocalHttps({
    workerUrl: worker.url,
    port: options.httpsPort,
    stateDir: options.persistTo,
    certPath: options.tlsCert,
    keyPath: options.tlsKey,
  });
} catch (error) {
  if (!isAddressInUse(error)) throw error;
  console.error(`cmq-edge: ${portInUseMessage("HTTPS", options.httpsPort, "--https-port")}`);
  await worker.dispose();
  process.exit(1);
}
const tcp = await startBridge(worker.url);

const credential = localCredential();
console.log(`
cmq-edge is running (local, persisted in ${options.persistTo}):
  HTTP listening on ${worker.url}/v2/index.php  (CMQ action API; any path works; API 3.0 at /)
  TCP listening on ${tcp.host}:${tcp.port}  (CMQ TCP protocol, through the bridge)
  Web console at ${worker.url}/console/  (sign in with the credential below)
${httpsBanner(https)}
  Metrics (Prometheus):
    Worker  ${worker.url}/metrics  (authorization: Bearer <CMQ_METRICS_TOKEN of local/defaults.env>)
    bridge  http://127.0.0.1:${tcp.metricsPort}/metrics${options.logRequests ? "\n  Logging one line per request (--log-requests)." : ""}
  Default credential (local/defaults.env CMQ_CREDENTIALS):
    secretId  ${credential.secretId}
    secretKey ${credential.secretKey}
    appId     ${credential.appId}
  Ctrl-C stops everything.
`);
