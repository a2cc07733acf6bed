/**
 * TCP benchmark: pipelined single-message sends and pulls through the bridge, next to HTTP
 * SendMessage against the same Worker in the same run, and the ratio. The Worker runs in process
 * through wrangler (loopback, storage in memory); the bridge runs in this process.
 *
 *   npm run bench:tcp -- [--seconds 5] [--connections 4] [--in-flight 64]
 */
import { parseArgs } from "node:util";
import { startBridge } from "../tcp-bridge/src/bridge";
import { CmqHttpClient } from "../tcp-bridge/src/client/http-client";
import { TcpClient } from "../tcp-bridge/src/client/tcp-client";
import { readConfig } from "../tcp-bridge/src/config";
import { startMiniflareWorker } from "../tcp-bridge/src/local-worker";
import { runLoad } from "./lib/load";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "4" },
    "in-flight": { type: "string", default: "64" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const inFlight = Number(values["in-flight"]);
const BODY = "x".repeat(1024);
const credentials = { secretId: "AKIDcmqEdgeLocalDefault", secretKey: "cmq-edge-local-secret-key" };

const worker = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
});
const bridge = await startBridge({
  ...readConfig([], process.env),
  port: 0,
  workerUrl: worker.url,
});
const http = new CmqHttpClient({ endpoint: `${worker.url}/v2/index.php`, credentials });
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
  const tcpSend = await runLoad(
    `TCP send (${connections} conn, pipelined)`,
    async (i) => {
      await client(i).send("bench-tcp", BODY);
      return 1;
    },
    { concurrency: inFlight, seconds },
  );
  const tcpPullDelete = await runLoad(
    `TCP pull+delete (${connections} conn, pipelined)`,
    async (i) => {
      const m = await client(i).pull("bench-tcp", 0);
      if (!m) throw new Error("queue ran dry");
      await client(i).delete("bench-tcp", m.receiptHandle);
      return 1;
    },
    { concurrency: inFlight, seconds },
  );
  const coalescing = bridge.forwarder.sends.stats;
  report("TCP", [
    { result: httpSend },
    { result: tcpSend, versus: httpSend.name },
    { result: tcpPullDelete, versus: httpSend.name },
  ]);
  console.log(`send coalescing: ${coalescing.items} frames in ${coalescing.calls} object calls`);
} finally {
  for (const c of clients) c.close();
  await bridge.stop();
  await worker.dispose();
}
