/**
 * cmq-edge next to RabbitMQ, measured in the same run on the same machine with the same load
 * generator, message size (1 KiB) and in-flight count (issue 16's table): TCP single sends and
 * batch pull(16)+batch delete through the bridge, HTTP SendMessage and receive+delete (single and
 * batch), each divided by RabbitMQ's durable publish with confirms or consume with acks, and HTTP
 * SendMessage also by the raw Durable Object doing one insert per request (bench/baseline).
 *
 *   npm run bench:peers -- [--seconds 5] [--in-flight 64] [--connections 4]
 */
import { parseArgs } from "node:util";
import { CmqHttpClient, TcpClient } from "cmq-edge/client";
import { localCredential, localDefaults } from "../local/local-defaults";
import { startMiniflareWorker } from "../local/local-worker";
import { startBridge } from "../tcp-bridge/src/bridge";
import { readConfig } from "../tcp-bridge/src/config";
import { leanFetch } from "./lib/lean-fetch";
import { type LoadResult, runLoad } from "./lib/load";
import { measureRabbitMq, startRabbitMq } from "./lib/rabbitmq";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    "in-flight": { type: "string", default: "64" },
    connections: { type: "string", default: "4" },
  },
});
const seconds = Number(values.seconds);
const inFlight = Number(values["in-flight"]);
const connections = Number(values.connections);
const BODY = "x".repeat(1024);
const BATCH = 16;
const load = { concurrency: inFlight, seconds };

/** Runs `take` until the queue runs dry; the rate is over the time measured until then. */
function drain(name: string, concurrency: number, take: (i: number) => Promise<number>) {
  let dry = false;
  return runLoad(
    name,
    async (i) => {
      const n = await take(i);
      if (n === 0) dry = true;
      return n;
    },
    { concurrency, seconds, until: () => dry },
  );
}

const rabbit = await startRabbitMq();
let peer: { publish: LoadResult; consume: LoadResult };
try {
  peer = await measureRabbitMq(rabbit.url, { seconds, inFlight, connections, body: BODY });
} finally {
  await rabbit.stop();
}

const fetch = leanFetch();
const baseline = await startMiniflareWorker({
  configPath: new URL("./baseline/wrangler.toml", import.meta.url).pathname,
});
const worker = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
});
const credentials = localCredential();
const bridge = await startBridge({
  ...readConfig([], { ...process.env, CMQ_BRIDGE_TOKEN: localDefaults().CMQ_BRIDGE_TOKEN }),
  port: 0,
  workerUrl: worker.url,
});
const http = new CmqHttpClient({ endpoint: `${worker.url}/v2/index.php`, credentials, fetch });
const clients = await Promise.all(
  Array.from({ length: connections }, () =>
    TcpClient.connect({ host: "127.0.0.1", port: bridge.address.port, ...credentials }),
  ),
);
const tcp = (i: number) => clients[i % clients.length] as TcpClient;
try {
  const insert1 = await runLoad(
    "baseline: 1 SQLite insert per request",
    async () => {
      const response = await fetch(
        new Request(`${baseline.url}/insert?n=1`, { method: "POST", body: BODY }),
      );
      await response.text();
      if (!response.ok) throw new Error(`baseline HTTP ${response.status}`);
      return 1;
    },
    load,
  );
  await http.createQueue("peer-tcp", { visibilityTimeout: 600 });
  await http.createQueue("peer-http", { visibilityTimeout: 600 });
  const tcpSend = await runLoad(
    "cmq-edge TCP send, pipelined",
    async (i) => {
      await tcp(i).send("peer-tcp", BODY);
      return 1;
    },
    load,
  );
  // Few callers, each with a batch in flight: as many messages in flight as the peer has.
  const batchCallers = Math.max(1, Math.round(inFlight / BATCH));
  // A pipelining consumer: it acknowledges a batch and asks for the next in the same turn, which
  // the bridge fuses into one object call (a delete, then a pull).
  const inHand = new Map<number, bigint[]>();
  const consumes = bridge.forwarder.consumes.stats;
  const consumedBefore = { ...consumes };
  const tcpPullDelete = await drain("cmq-edge TCP pull(16)+delete", batchCallers, async (i) => {
    const done = inHand.get(i) ?? [];
    const [failed, messages] = await Promise.all([
      done.length > 0 ? tcp(i).batchDelete("peer-tcp", done) : Promise.resolve([]),
      tcp(i).batchPull("peer-tcp", BATCH, 0),
    ]);
    if (failed.length > 0) throw new Error(`${failed.length} deletes failed`);
    inHand.set(
      i,
      messages.map((m) => m.receiptHandle),
    );
    return messages.length;
  });
  for (const [i, done] of inHand) if (done.length > 0) await tcp(i).batchDelete("peer-tcp", done);
  const consumeCalls = consumes.calls - consumedBefore.calls;
  const consumeFrames = consumes.items - consumedBefore.items;
  const httpSend = await runLoad(
    "cmq-edge HTTP SendMessage",
    async () => {
      await http.sendMessage("peer-http", BODY);
      return 1;
    },
    load,
  );
  const httpReceiveDelete = await drain("cmq-edge HTTP Receive+Delete", inFlight, async () => {
    const [message] = await http.batchReceiveMessage("peer-http", 1);
    if (!message) return 0;
    await http.deleteMessage("peer-http", message.receiptHandle);
    return 1;
  });
  const bodies = Array.from({ length: BATCH }, () => BODY);
  // Refill the queue for the batch receive row, outside any measurement.
  for (let i = 0; i < 400; i++) await http.batchSendMessage("peer-http", bodies);
  const httpBatchReceiveDelete = await drain(
    "cmq-edge HTTP BatchReceive(16)+Delete",
    batchCallers,
    async () => {
      const messages = await http.batchReceiveMessage("peer-http", BATCH);
      if (messages.length === 0) return 0;
      await http.batchDeleteMessage(
        "peer-http",
        messages.map((m) => m.receiptHandle),
      );
      return messages.length;
    },
  );
  report(`vs RabbitMQ ${rabbit.version}, ${inFlight} in flight, 1 KiB`, [
    { result: peer.publish },
    { result: peer.consume },
    { result: insert1 },
    { result: tcpSend, versus: peer.publish.name },
    { result: tcpPullDelete, versus: peer.consume.name },
    { result: httpSend, versus: peer.publish.name },
    { result: httpSend, versus: insert1.name },
    { result: httpReceiveDelete, versus: peer.consume.name },
    { result: httpBatchReceiveDelete, versus: peer.consume.name },
  ]);
  console.log(
    `TCP pull+delete: ${consumeFrames} pull and delete frames in ${consumeCalls} consume calls (${(
      tcpPullDelete.messages / Math.max(1, consumeCalls)
    ).toFixed(1)} messages per call)`,
  );
} finally {
  for (const c of clients) c.close();
  await bridge.stop();
  await worker.dispose();
  await baseline.dispose();
}
