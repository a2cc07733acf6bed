/**
 * TCP benchmark: pipelined single-message sends and pulls through the bridge, next to HTTP
 * SendMessage against the same Worker in the same run, and the ratio. The Worker runs in process
 * through wrangler (loopback, storage in memory); the bridge runs in this process.
 *
 * Then the same on a queue of `--shards` shards. RabbitMQ in the same run: `npm run bench:peers`.
 *
 *   npm run bench:tcp -- [--seconds 5] [--connections 4] [--in-flight 64] [--shards 4]
 */
import { parseArgs } from "node:util";
import { CmqHttpClient, TcpClient } from "cmq-edge/client";
import { localCredential, localDefaults } from "../local/local-defaults";
import { startMiniflareWorker } from "../local/local-worker";
import { startBridge } from "../tcp-bridge/src/bridge";
import { readConfig } from "../tcp-bridge/src/config";
import { leanFetch } from "./lib/lean-fetch";
import { runLoad } from "./lib/load";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "4" },
    "in-flight": { type: "string", default: "64" },
    shards: { type: "string", default: "4" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const inFlight = Number(values["in-flight"]);
const BODY = "x".repeat(1024);
const credentials = localCredential();

const worker = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
});
const bridge = await startBridge({
  ...readConfig([], { ...process.env, CMQ_BRIDGE_TOKEN: localDefaults().CMQ_BRIDGE_TOKEN }),
  port: 0,
  workerUrl: worker.url,
});
const http = new CmqHttpClient({
  endpoint: `${worker.url}/v2/index.php`,
  credentials,
  fetch: leanFetch(),
});
const clients = await Promise.all(
  Array.from({ length: connections }, () =>
    TcpClient.connect({
      host: "127.0.0.1",
      port: bridge.address.port,
      ...credentials,
      timeoutMs: 30_000,
    }),
  ),
);
try {
  await http.createQueue("bench-http");
  await http.createQueue("bench-tcp", { visibilityTimeout: 600 });
  const httpSend = await runLoad(
    "HTTP SendMessage",
    async () => {
      await http.sendMessage("bench-http", BODY);
      return 1;
    },
    { concurrency: 16, seconds },
  );
  const client = (i: number) => clients[i % clients.length] as TcpClient;
  const sendAndPull = async (queue: string, label: string) => {
    const send = await runLoad(
      `TCP send, ${label}`,
      async (i) => {
        await client(i).send(queue, BODY);
        return 1;
      },
      { concurrency: inFlight, seconds },
    );
    // Pulls may outrun the sends before them: the run ends when the queue runs dry, and the
    // rate is taken over the time measured until then.
    let dry = false;
    const pullDelete = await runLoad(
      `TCP pull+delete, ${label}`,
      async (i) => {
        const m = await client(i).pull(queue, 0);
        if (!m) {
          dry = true;
          return 0;
        }
        await client(i).delete(queue, m.receiptHandle);
        return 1;
      },
      { concurrency: inFlight, seconds, until: () => dry },
    );
    return [send, pullDelete] as const;
  };
  const shards = Number(values.shards);
  await http.createQueue("bench-tcp-sharded", { visibilityTimeout: 600, shards });
  const [tcpSend, tcpPullDelete] = await sendAndPull("bench-tcp", "1 shard");
  const [shardedSend, shardedPullDelete] = await sendAndPull(
    "bench-tcp-sharded",
    `${shards} shards`,
  );
  const { sends, consumes } = bridge.forwarder;
  const coalescing = { send: sends.stats, "pull and delete": consumes.stats };
  report("TCP", [
    { result: httpSend },
    { result: tcpSend, versus: httpSend.name },
    { result: tcpPullDelete, versus: httpSend.name },
    { result: shardedSend, versus: tcpSend.name },
    { result: shardedPullDelete, versus: tcpPullDelete.name },
  ]);
  for (const [what, stats] of Object.entries(coalescing)) {
    console.log(`${what} coalescing: ${stats.items} frames in ${stats.calls} object calls`);
  }
} finally {
  for (const c of clients) c.close();
  await bridge.stop();
  await worker.dispose();
}
