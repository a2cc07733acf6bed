/**
 * Creating and deleting a queue of one or many shards. The order makes a crash half way harmless:
 * shard 0 is created last and deleted last, so shard 0 existing means the queue is whole.
 * @module
 */
import type { Outcome } from "../../domain/outcome";
import type { NewQueue, QueueView } from "../../domain/queue/queue-store";
import type { ShardRouting } from "./routing";

/** Creates every shard, shard 0 last. A shard left by a create that crashed half way is replaced. */
export async function createQueue(
  routing: ShardRouting,
  queue: Omit<NewQueue, "shard">,
): Promise<Outcome<QueueView>> {
  const shards = queue.attributes.shards;
  for (let shard = shards - 1; shard >= 1; shard--) {
    const stub = routing.stub(shard);
    let created = await stub.create({ ...queue, shard });
    if (!created.ok && created.error.kind === "queueAlreadyExists") {
      await stub.destroy();
      created = await stub.create({ ...queue, shard });
    }
    if (!created.ok) {
      await destroyShards(routing, shard + 1, shards);
      return created;
    }
  }
  const created = await routing.stub(0).create({ ...queue, shard: 0 });
  if (created.ok) routing.learn(shards);
  else await destroyShards(routing, 1, shards);
  return created;
}

/** Deletes every shard, shard 0 last, so a crash half way leaves the queue findable. */
export async function destroyQueue(routing: ShardRouting): Promise<boolean> {
  const shards = (await routing.stub(0).shardCount()) ?? 1;
  await destroyShards(routing, 1, shards);
  const existed = await routing.stub(0).destroy();
  routing.learn(1);
  return existed;
}

async function destroyShards(routing: ShardRouting, from: number, to: number): Promise<void> {
  for (let shard = to - 1; shard >= from; shard--) await routing.stub(shard).destroy();
}
