/**
 * HTTP benchmark: cmq-edge's SendMessage, BatchSendMessage(16) and ReceiveMessage+DeleteMessage
 * against the platform's ceiling measured in the same run (bench/baseline: a Worker that answers
 * at once, and one doing one or sixteen SQLite inserts per request). Both Workers run in process
 * through wrangler on loopback ports, storage in memory.
 *
 *   npm run bench:http -- [--seconds 5] [--concurrency 16]
 */
import { parseArgs } from "node:util";
import { CmqHttpClient } from "cmq-edge/client";
import { localCredential } from "../local/local-defaults";
import { startMiniflareWorker } from "../local/local-worker";
import { leanFetch } from "./lib/lean-fetch";
import { abba, runLoad } from "./lib/load";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
  },
});
const options = { seconds: Number(values.seconds), concurrency: Number(values.concurrency) };
const BODY = "x".repeat(1024);
// One light client for the baseline and cmq-edge alike (bench/lib/lean-fetch.ts).
const fetch = leanFetch();

const baseline = await startMiniflareWorker({
  configPath: new URL("./baseline/wrangler.toml", import.meta.url).pathname,
});
const service = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
});
try {
  const post = async (path: string, n: number) => {
    const response = await fetch(
      new Request(`${baseline.url}${path}`, { method: "POST", body: BODY }),
    );
    await response.text();
    if (!response.ok) throw new Error(`baseline HTTP ${response.status}`);
    return n;
  };
  const noop = await runLoad("baseline: Worker answers at once", () => post("/noop", 1), options);
  const insert1 = await runLoad(
    "baseline: 1 SQLite insert per request",
    () => post("/insert?n=1", 1),
    options,
  );
  const insert16 = await runLoad(
    "baseline: 16 inserts per request",
    () => post("/insert?n=16", 16),
    options,
  );

  const client = new CmqHttpClient({
    endpoint: `${service.url}/v2/index.php`,
    credentials: localCredential(),
    fetch,
  });
  await client.createQueue("bench", { visibilityTimeout: 600 });
  await client.createQueue("bench-traced", { visibilityTimeout: 600, trace: 1 });
  const [send1, send1Traced] = await abba(
    {
      name: "cmq-edge: SendMessage",
      op: async () => {
        await client.sendMessage("bench", BODY);
        return 1;
      },
    },
    {
      name: "cmq-edge: SendMessage, trace on",
      op: async () => {
        await client.sendMessage("bench-traced", BODY);
        return 1;
      },
    },
    options,
  );
  const bodies = Array.from({ length: 16 }, () => BODY);
  const send16 = await runLoad(
    "cmq-edge: BatchSendMessage(16)",
    async () => {
      await client.batchSendMessage("bench", bodies);
      return 16;
    },
    options,
  );
  const receiveDelete = await runLoad(
    "cmq-edge: ReceiveMessage+DeleteMessage",
    async () => {
      const [message] = await client.batchReceiveMessage("bench", 1);
      if (!message) throw new Error("queue ran dry");
      await client.deleteMessage("bench", message.receiptHandle);
      return 1;
    },
    options,
  );

  report("HTTP", [
    { result: noop },
    { result: insert1 },
    { result: insert16 },
    { result: send1, versus: insert1.name },
    { result: send1Traced, versus: send1.name },
    { result: send16, versus: insert16.name },
    { result: receiveDelete, versus: insert1.name },
  ]);
} finally {
  await service.dispose();
  await baseline.dispose();
}
