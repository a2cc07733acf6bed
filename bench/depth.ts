/**
 * Depth benchmark: fills one queue to a million 1 KiB messages with BatchSendMessage(16), and at
 * each checkpoint measures ReceiveMessage+DeleteMessage and GetQueueAttributes latency, so the
 * figure at the smallest depth is the baseline of the deeper ones. Then the on-disk size per
 * message, and request latency while retention removes every stored message.
 *
 *   npm run bench:depth -- [--messages 1000000] [--checkpoints 1000,100000] [--samples 1000]
 *
 * Storage persists in a temporary directory (removed at the end), as `npm start` keeps it.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CmqHttpClient } from "cmq-edge/client";
import { localCredential } from "../local/local-defaults";
import { startMiniflareWorker } from "../local/local-worker";
import { leanFetch } from "./lib/lean-fetch";
import { type LoadResult, percentile, runLoad } from "./lib/load";
import { progressBar } from "./lib/progress";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    checkpoints: { type: "string", default: "1000,100000" },
    samples: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "8" },
  },
});
const total = Number(values.messages);
const samples = Number(values.samples);
const checkpoints = [...values.checkpoints.split(",").map(Number), total]
  .filter((n) => n > 0 && n <= total)
  .sort((a, b) => a - b);
const BODY = "x".repeat(1024);
const BATCH = Array.from({ length: 16 }, () => BODY);
// The shortest retention CMQ allows; the cleanup phase waits for the newest message to pass it.
const RETENTION_SECONDS = 60;

const storage = mkdtempSync(join(tmpdir(), "cmq-edge-depth-"));
const service = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
  persistTo: storage,
});
const client = new CmqHttpClient({
  endpoint: `${service.url}/v2/index.php`,
  credentials: localCredential(),
  fetch: leanFetch(),
});
const queue = "depth";

const stored = async () => {
  const attributes = await client.ok("GetQueueAttributes", { queueName: queue });
  return Number(attributes.activeMsgNum) + Number(attributes.inactiveMsgNum);
};

/** Sends batches from `concurrency` workers until the queue holds `target` messages. */
async function fillTo(target: number, label: string): Promise<number> {
  let count = await stored();
  const bar = progressBar(label, target);
  const t0 = performance.now();
  const start = count;
  const worker = async () => {
    while (count < target) {
      const n = Math.min(16, target - count);
      count += n;
      await client.batchSendMessage(queue, n === 16 ? BATCH : BATCH.slice(0, n));
      bar.update(count);
    }
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  bar.done();
  return ((count - start) / (performance.now() - t0)) * 1000;
}

/** `n` sequential requests: latency, not throughput, is the figure here. */
async function sample(name: string, n: number, op: () => Promise<number>): Promise<LoadResult> {
  let left = n;
  return runLoad(
    name,
    async () => {
      left--;
      return op();
    },
    { concurrency: 1, seconds: 3600, warmupSeconds: 0, until: () => left <= 0 },
  );
}

const receiveDelete = async () => {
  const [message] = await client.batchReceiveMessage(queue, 1);
  if (!message) throw new Error("queue ran dry");
  await client.deleteMessage(queue, message.receiptHandle);
  return 1;
};

function bytesUnder(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return bytes;
}

try {
  await client.createQueue(queue, { visibilityTimeout: 3600, maxMsgHeapNum: 100_000_000 });
  const rows: { result: LoadResult; versus?: string }[] = [];
  let fillRate = 0;
  for (const depth of checkpoints) {
    fillRate = await fillTo(depth + samples, `fill to ${depth + samples}`);
    const label = depth >= 1e6 ? `${depth / 1e6}M` : `${depth / 1e3}k`;
    const rd = await sample(`ReceiveMessage+DeleteMessage, ${label}`, samples, receiveDelete);
    const attrs = await sample(`GetQueueAttributes, ${label}`, Math.min(samples, 500), async () => {
      await client.ok("GetQueueAttributes", { queueName: queue });
      return 1;
    });
    // The smallest depth is the baseline of the deeper ones.
    rows.push({ result: rd, versus: rows[0]?.result.name });
    rows.push({ result: attrs, versus: rows[1]?.result.name });
  }
  const messages = await stored();
  const bytes = bytesUnder(storage);
  console.log(
    `\nfill rate ${fillRate.toFixed(0)} msg/s; ${messages} messages stored in ${(bytes / 2 ** 20).toFixed(0)} MiB on disk: ${(bytes / messages).toFixed(0)} bytes/message (1024-byte bodies)`,
  );

  // Retention: every stored message expires at once; requests to the same queue keep flowing
  // while the alarm removes the expired ones in chunks. Each probe leaves the queue as it found it.
  const probe = async () => {
    await client.sendMessage(queue, BODY);
    return receiveDelete();
  };
  const PROBES = 4;
  const before = await runLoad("send+receive+delete before cleanup", probe, {
    concurrency: PROBES,
    seconds: 10,
  });
  console.log(`waiting ${RETENTION_SECONDS} s for the newest message to outlive retention`);
  await new Promise((resolve) => setTimeout(resolve, RETENTION_SECONDS * 1000));
  const cleanupStart = performance.now();
  await client.ok("SetQueueAttributes", {
    queueName: queue,
    msgRetentionSeconds: RETENTION_SECONDS,
  });
  let cleaned = false;
  const bar = progressBar("retention cleanup", messages);
  const watch = (async () => {
    for (;;) {
      const left = await stored();
      bar.update(messages - left);
      if (left <= PROBES) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    cleaned = true;
    bar.done();
  })();
  const during = await runLoad("send+receive+delete during cleanup", probe, {
    concurrency: PROBES,
    seconds: 3600,
    warmupSeconds: 0,
    until: () => cleaned,
  });
  await watch;
  const cleanupSeconds = (performance.now() - cleanupStart) / 1000;
  console.log(
    `retention removed ${messages} messages in ${cleanupSeconds.toFixed(1)} s (${(messages / cleanupSeconds).toFixed(0)} msg/s)`,
  );
  rows.push({ result: before }, { result: during, versus: before.name });
  const p50Ratio = (row: number, base: number) => {
    const [a, b] = [rows[row]?.result, rows[base]?.result];
    return a && b ? percentile(a.latencies, 50) / percentile(b.latencies, 50) : Number.NaN;
  };
  const deepest = rows.length - 4;
  const figures = {
    fillRate,
    bytesPerMessage: bytes / messages,
    cleanupSeconds,
    receiveDeleteP50Ratio: p50Ratio(deepest, 0),
    attributesP50Ratio: p50Ratio(deepest + 1, 1),
    cleanupP99Ratio: percentile(during.latencies, 99) / percentile(before.latencies, 99),
  };
  report("Depth", rows, figures);
  console.log(
    `p50 at the deepest checkpoint ÷ p50 at the first: receive+delete ${figures.receiveDeleteP50Ratio.toFixed(2)}× (target ≤ 1.5), GetQueueAttributes ${figures.attributesP50Ratio.toFixed(2)}×; p99 during cleanup ÷ before: ${figures.cleanupP99Ratio.toFixed(2)}×`,
  );
} finally {
  await service.dispose();
  rmSync(storage, { recursive: true, force: true });
}
