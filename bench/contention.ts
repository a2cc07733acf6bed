/**
 * Many producers and consumers on one queue at once: producers send single messages, consumers
 * batch-receive with long polling and batch-delete. A ledger checks that every acknowledged send
 * was received (none lost) and none was received twice (the visibility timeout outlasts the run,
 * so any second delivery would be a duplicate).
 *
 * One producer and one consumer run first, as the baseline; then the crowd on a queue of one
 * shard, and on a queue of `--shards` shards (src/objects/queue-client/).
 *
 *   npm run bench:contention -- [--producers 32] [--consumers 32] [--seconds 10] [--shards 4]
 */
import { parseArgs } from "node:util";
import { CmqHttpClient } from "cmq-edge/client";
import { localCredential } from "../local/local-defaults";
import { startMiniflareWorker } from "../local/local-worker";
import { leanFetch } from "./lib/lean-fetch";
import { runLoad } from "./lib/load";
import { report } from "./lib/report";

const { values } = parseArgs({
  options: {
    producers: { type: "string", default: "32" },
    consumers: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    shards: { type: "string", default: "4" },
  },
});
const seconds = Number(values.seconds);
const PAD = "x".repeat(1000);

const service = await startMiniflareWorker({
  configPath: new URL("../wrangler.toml", import.meta.url).pathname,
});
const client = new CmqHttpClient({
  endpoint: `${service.url}/v2/index.php`,
  credentials: localCredential(),
  fetch: leanFetch(),
});

interface Ledger {
  acknowledged: Set<string>;
  received: Map<string, number>;
}

const producer = (queue: string, ledger: Ledger) => {
  const next = new Map<number, number>();
  return async (id: number) => {
    const n = next.get(id) ?? 0;
    next.set(id, n + 1);
    const key = `${id}-${n}`;
    await client.sendMessage(queue, `${key}:${PAD}`);
    ledger.acknowledged.add(key);
    return 1;
  };
};

const consumer = (queue: string, ledger: Ledger) => async () => {
  const messages = await client.batchReceiveMessage(queue, 16, 1);
  for (const m of messages) {
    const key = m.msgBody.slice(0, m.msgBody.indexOf(":"));
    ledger.received.set(key, (ledger.received.get(key) ?? 0) + 1);
  }
  if (messages.length > 0) {
    await client.batchDeleteMessage(
      queue,
      messages.map((m) => m.receiptHandle),
    );
  }
  return messages.length;
};

/** Producers and consumers at once on a new queue, then a drain; returns the rows and the ledger check. */
async function scenario(producers: number, consumers: number, shards = 1) {
  const queue = `contention-${producers}x${consumers}-${shards}`;
  await client.createQueue(queue, { visibilityTimeout: 3600, shards });
  const ledger: Ledger = { acknowledged: new Set(), received: new Map() };
  const consume = consumer(queue, ledger);
  const options = { seconds, warmupSeconds: 0 };
  const [produced, consumed] = await Promise.all([
    runLoad(`${producers} producers, ${shards} shard(s): SendMessage`, producer(queue, ledger), {
      ...options,
      concurrency: producers,
    }),
    runLoad(`${consumers} consumers, ${shards} shard(s): receive+delete`, consume, {
      ...options,
      concurrency: consumers,
    }),
  ]);
  // Receive what the consumers had not reached when time ran out.
  let empty = 0;
  await runLoad(
    "drain",
    async () => {
      const n = await consume();
      empty = n === 0 ? empty + 1 : 0;
      return n;
    },
    { seconds: 600, warmupSeconds: 0, concurrency: 4, until: () => empty >= 4 },
  );
  const lost = [...ledger.acknowledged].filter((key) => !ledger.received.has(key)).length;
  const duplicated = [...ledger.received.values()].filter((n) => n > 1).length;
  console.log(
    `${producers}×${consumers} on ${shards} shard(s): acknowledged ${ledger.acknowledged.size}, received ${ledger.received.size}, lost ${lost} (must be 0), delivered twice ${duplicated} (must be 0)`,
  );
  return { produced, consumed, acknowledged: ledger.acknowledged.size, lost, duplicated };
}

try {
  // One producer and one consumer first: the baseline the crowd is compared with.
  const [producers, consumers] = [Number(values.producers), Number(values.consumers)];
  const single = await scenario(1, 1);
  const crowd = await scenario(producers, consumers);
  const sharded = await scenario(producers, consumers, Number(values.shards));
  const runs = [single, crowd, sharded];
  report(
    "Contention",
    [
      { result: single.produced },
      { result: single.consumed },
      { result: crowd.produced, versus: single.produced.name },
      { result: crowd.consumed, versus: single.consumed.name },
      { result: sharded.produced, versus: crowd.produced.name },
      { result: sharded.consumed, versus: crowd.consumed.name },
    ],
    {
      acknowledged: runs.reduce((n, r) => n + r.acknowledged, 0),
      lost: runs.reduce((n, r) => n + r.lost, 0),
      duplicated: runs.reduce((n, r) => n + r.duplicated, 0),
    },
  );
  process.exitCode = runs.every((r) => r.lost === 0 && r.duplicated === 0) ? 0 : 1;
} finally {
  await service.dispose();
}
