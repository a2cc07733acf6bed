/**
 * `npm start`: runs cmq-edge locally on persisted storage — the Worker served by Miniflare directly
 * on http://127.0.0.1:8787 (no wrangler dev proxy in front: the fastest local path, DESIGN.md
 * "Local serving"; `npm run dev` is plain wrangler dev on the same storage) and the TCP bridge on
 * 127.0.0.1:6380 in front of it — and prints the default credential. The bridge runs in its own
 * process group; Ctrl-C / SIGTERM, or npm going away, stop all of it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TCP_LIMITS } from "../src/domain/limits";
import { httpsBanner, type LocalHttps, startLocalHttps } from "./https-server";
import { type LocalWorker, startMiniflareWorker } from "./local-worker";

const { values } = parseArgs({
  options: {
    "http-port": { type: "string", default: process.env.CMQ_HTTP_PORT ?? "8787" },
    "tcp-port": { type: "string", default: process.env.CMQ_TCP_PORT ?? String(TCP_LIMITS.port) },
    "persist-to": { type: "string", default: process.env.CMQ_PERSIST_TO ?? ".wrangler/state" },
    // Local https (local/https-server.ts): its port, and a certificate of your own if wanted.
    "https-port": { type: "string", default: process.env.CMQ_HTTPS_PORT ?? "8443" },
    "tls-cert": { type: "string", default: process.env.CMQ_TLS_CERT },
    "tls-key": { type: "string", default: process.env.CMQ_TLS_KEY },
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
let https: LocalHttps | undefined;
function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  // Exit once the Worker is disposed (its workerd stopped, its bundle removed), or after 5 s.
  void Promise.race([
    Promise.all([https?.close().catch(() => {}), worker?.dispose().catch(() => {})]),
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

// --- local https: the same Worker over TLS on its own port ---
https = await startLocalHttps({
  workerUrl: worker.url,
  port: Number(values["https-port"]),
  stateDir: values["persist-to"],
  certPath: values["tls-cert"],
  keyPath: values["tls-key"],
});

startChild("tcp bridge", process.execPath, [
  "--import",
  "tsx",
  new URL("../tcp-bridge/src/main.ts", import.meta.url).pathname,
  "--port",
  values["tcp-port"],
  "--worker-url",
  `http://127.0.0.1:${httpPort}`,
]);

/** The local default credential, as wrangler.toml's [vars] CMQ_CREDENTIALS holds it. */
function localCredential(): { secretId: string; secretKey: string; appId: string } | undefined {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const line = /^CMQ_CREDENTIALS\s*=\s*'(.*)'\s*$/m.exec(toml);
  return line?.[1] ? JSON.parse(line[1])[0] : undefined;
}

const credential = localCredential();
console.log(`
cmq-edge is running (local, persisted in ${values["persist-to"]}):
  HTTP  http://127.0.0.1:${httpPort}/v2/index.php   (CMQ action API; any path works; API 3.0 at /)
  TCP   127.0.0.1:${values["tcp-port"]}                   (CMQ TCP protocol, through the bridge)
${httpsBanner(https)}
  Default credential (wrangler.toml [vars] CMQ_CREDENTIALS):
    secretId  ${credential?.secretId}
    secretKey ${credential?.secretKey}
    appId     ${credential?.appId}
  Ctrl-C stops everything.
`);
