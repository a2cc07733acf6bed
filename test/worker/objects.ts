/** Direct handles on the Durable Objects behind a tenant's queue, for tests that look inside. */
import { env } from "cloudflare:workers";
import { queueObjectName, queueShardName, topicObjectName } from "../../src/domain/object-names";
import { TENANT_A } from "./cmq";

export function queueStub(queueName: string, appId = TENANT_A.appId, shard = 0) {
  const name = queueShardName(queueObjectName(appId, queueName), shard);
  return env.QUEUE.get(env.QUEUE.idFromName(name));
}

export function topicStub(topicName: string, appId = TENANT_A.appId) {
  return env.TOPIC.get(env.TOPIC.idFromName(topicObjectName(appId, topicName)));
}

/** The number of long-poll receivers parked in the object (private state, read for tests). */
export function parkedReceivers(instance: unknown): number {
  return (instance as { waiters: { size: number } }).waiters.size;
}
