/**
 * `npm start`: runs cmq-edge locally on persisted storage — the Worker served by Miniflare directly
 * on http://127.0.0.1:8787 (no wrangler dev proxy in front: the fastest local path, see
 * docs/architecture.md "Local serving"; `npm run dev` is plain wrangler dev on the same storage)
 * and the TCP bridge on 127.0.0.1:6380 in front of it — and prints the default credential
 * (local/defaults.env). The bridge runs in its own
 * process group; Ctrl-C / SIGTERM, or npm going away, stop all of it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TCP_LIMITS } from "../src/domain/limits";
import { localCredential, localDefaults } from "./local-defaults";
import { type LocalWorker, startMiniflareWorker } from "./local-worker";

const { values } = parseArgs({
  options: {
    "http-port": { type: "string", default: process.env.CMQ_HTTP_PORT ?? "8787" },
    "tcp-port": { type: "string", default: process.env.CMQ_TCP_PORT ?? String(TCP_LIMITS.port) },
    "persist-to": { type: "string", default: process.env.CMQ_PERSIST_TO ?? ".wrangler/state" },
  },
});

const httpPort = values["http-port"];
const children: ChildProcess[] = [];

function startChild(name: string, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, {
    stdio: "inherit",
    detached: true,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`cmq-edge: ${name} exited (${signal ?? code}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
let worker: LocalWorker | undefined;
function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  // Exit once the Worker is disposed (its workerd stopped, its bundle removed), or after 5 s.
  void Promise.race([
    worker?.dispose().catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ]).then(() => process.exit(exitCode));
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  }
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

worker = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
  port: Number(httpPort),
  persistTo: values["persist-to"],
});

startChild("tcp bridge", process.execPath, [
  "--import",
  "tsx",
  new URL("../tcp-bridge/src/main.ts", import.meta.url).pathname,
  "--port",
  values["tcp-port"],
  "--worker-url",
  `http://127.0.0.1:${httpPort}`,
  "--bridge-token",
  localDefaults().CMQ_BRIDGE_TOKEN,
]);

const credential = localCredential();
console.log(`
cmq-edge is running (local, persisted in ${values["persist-to"]}):
  HTTP  http://127.0.0.1:${httpPort}/v2/index.php   (CMQ action API; any path works)
  TCP   127.0.0.1:${values["tcp-port"]}                   (CMQ TCP protocol, through the bridge)
  Default credential (local/defaults.env CMQ_CREDENTIALS):
    secretId  ${credential.secretId}
    secretKey ${credential.secretKey}
    appId     ${credential.appId}
  Ctrl-C stops everything.
`);
