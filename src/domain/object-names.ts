/**
 * Names of a tenant's Durable Objects. Every name is scoped by the credential's appId, and queue and
 * topic names are unique case-insensitively, so objects are named by appId and the lower-cased name.
 * @module
 */

export function nameKey(name: string): string {
  return name.toLowerCase();
}

export function queueObjectName(appId: string, queue: string): string {
  return `${appId}/${nameKey(queue)}`;
}

/** Shard 0 of a sharded queue is the queue's own object; the others are named after it. */
export function queueShardName(queueObject: string, shard: number): string {
  return shard === 0 ? queueObject : `${queueObject}#${shard}`;
}

export function topicObjectName(appId: string, topic: string): string {
  return `${appId}/${nameKey(topic)}`;
}

export function catalogObjectName(appId: string): string {
  return appId;
}

/** A new resource id in CMQ's style: `queue-…`, `topic-…`, `subscription-…` with 12 hex digits. */
export function newObjectId(prefix: "queue" | "topic" | "subscription"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `${prefix}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
