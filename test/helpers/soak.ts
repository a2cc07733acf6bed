/**
 * The soak: many TCP connections and HTTP long-pollers against a real Worker and a bridge process
 * for a while, with steady traffic, counting unexpected errors and sampling the bridge's memory and
 * the Worker's latency. `npm run soak` runs the long version; test/bridge/soak.test.ts a short one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { CmqHttpClient, TcpClient } from "cmq-edge/client";
import { localCredential, localDefaults } from "../../local/local-defaults";
import { startMiniflareWorker } from "../../local/local-worker";

export interface SoakOptions {
  connections: number;
  pollers: number;
  seconds: number;
  /** Each TCP connection sends one message and pulls one every this many ms. */
  intervalMs: number;
  sampleSeconds: number;
  log?: (line: string) => void;
}

export interface SoakSample {
  atSeconds: number;
  bridgeRssMb: number;
  sends: number;
  received: number;
  errors: number;
  httpP50Ms: number;
  httpP99Ms: number;
}

export interface SoakReport {
  samples: SoakSample[];
  sends: number;
  received: number;
  errors: number;
  errorExamples: string[];
}

const CREDENTIALS = localCredential();

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return Math.round(kb / 1024);
}

/** Starts the bridge as its own process (so its memory is its own) and waits for its port. */
async function startBridgeProcess(
  workerUrl: string,
): Promise<{ child: ChildProcess; port: number }> {
  const main = new URL("../../tcp-bridge/src/main.ts", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      ...["--import", "tsx", main, "--port", "0", "--worker-url", workerUrl],
      ...["--bridge-token", localDefaults().CMQ_BRIDGE_TOKEN],
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on [^:]+:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`bridge exited (${code}) before listening`)));
  });
  return { child, port };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  // Served as `npm start` serves it (Miniflare directly, bundled once: no reload mid-soak).
  const worker = await startMiniflareWorker({
    configPath: new URL("../../wrangler.toml", import.meta.url).pathname,
  });
  const bridge = await startBridgeProcess(worker.url);
  const http = new CmqHttpClient({
    endpoint: `${worker.url}/v2/index.php`,
    credentials: CREDENTIALS,
  });
  const clients: TcpClient[] = [];
  const report: SoakReport = { samples: [], sends: 0, received: 0, errors: 0, errorExamples: [] };
  const failed = (e: unknown) => {
    report.errors++;
    if (report.errorExamples.length < 5)
      report.errorExamples.push(e instanceof Error ? e.message : String(e));
  };
  let running = true;
  try {
    await http.createQueue("soak-tcp", { visibilityTimeout: 30 });
    await http.createQueue("soak-http", { visibilityTimeout: 30 });
    for (let i = 0; i < options.connections; i++) {
      clients.push(
        await TcpClient.connect({
          host: "127.0.0.1",
          port: bridge.port,
          ...CREDENTIALS,
          clientId: `soak@${i}`,
          timeoutMs: 30_000,
        }),
      );
    }
    log(
      `soak: ${clients.length} TCP connections, ${options.pollers} HTTP long-pollers, ${options.seconds} s`,
    );
    const end = Date.now() + options.seconds * 1000;
    let httpLatencies: number[] = [];
    const tcpLoop = async (client: TcpClient, offset: number) => {
      await new Promise((resolve) => setTimeout(resolve, offset));
      while (running && Date.now() < end) {
        try {
          await client.send("soak-tcp", "x".repeat(256));
          report.sends++;
          const m = await client.pull("soak-tcp", 0);
          if (m) {
            await client.delete("soak-tcp", m.receiptHandle);
            report.received++;
          }
        } catch (e) {
          failed(e);
        }
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      }
    };
    const pollLoop = async () => {
      while (running && Date.now() < end) {
        const t0 = performance.now();
        try {
          const got = await http.batchReceiveMessage("soak-http", 16, 5);
          if (got.length > 0) {
            await http.batchDeleteMessage(
              "soak-http",
              got.map((m) => m.receiptHandle),
            );
            report.received += got.length;
          }
        } catch (e) {
          failed(e);
        }
        httpLatencies.push(performance.now() - t0);
      }
    };
    const httpProducer = async () => {
      while (running && Date.now() < end) {
        try {
          await http.batchSendMessage(
            "soak-http",
            Array.from({ length: 8 }, () => "y".repeat(256)),
          );
          report.sends += 8;
        } catch (e) {
          failed(e);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const start = Date.now();
    const sampler = setInterval(() => {
      const sorted = [...httpLatencies].sort((a, b) => a - b);
      httpLatencies = [];
      const sample = {
        atSeconds: Math.round((Date.now() - start) / 1000),
        bridgeRssMb: rssMb(bridge.child.pid ?? 0),
        sends: report.sends,
        received: report.received,
        errors: report.errors,
        httpP50Ms: Math.round(percentile(sorted, 0.5)),
        httpP99Ms: Math.round(percentile(sorted, 0.99)),
      };
      report.samples.push(sample);
      log(`soak: ${JSON.stringify(sample)}`);
    }, options.sampleSeconds * 1000);
    report.samples.push({
      atSeconds: 0,
      bridgeRssMb: rssMb(bridge.child.pid ?? 0),
      sends: 0,
      received: 0,
      errors: 0,
      httpP50Ms: 0,
      httpP99Ms: 0,
    });
    await Promise.all([
      ...clients.map((c, i) => tcpLoop(c, (i * options.intervalMs) / clients.length)),
      ...Array.from({ length: options.pollers }, pollLoop),
      httpProducer(),
    ]);
    clearInterval(sampler);
    return report;
  } finally {
    running = false;
    for (const c of clients) c.close();
    bridge.child.kill("SIGTERM");
    await new Promise((resolve) => bridge.child.once("exit", resolve));
    await worker.dispose();
  }
}
