/** Where a tenant's objects live (src/domain/object-names.ts), for the actions of a request. */
import { catalogObjectName, topicObjectName } from "../domain/object-names";
import type { RequestStamp } from "../domain/replay-guard";
import { QueueShards } from "../objects/queue-shards";

/** Whose objects: the Worker's bindings and the tenant's appId. */
export type Tenant = Pick<ActionContext, "env" | "appId">;

export interface ActionContext {
  env: Env;
  appId: string;
  /** Present only for actions whose replay policy is `refuse` (src/http/replay-policy.ts). */
  stamp?: RequestStamp;
  /** The SDK's RequestClient, for the message trace. */
  client: string;
  /** The host the request was sent to: cmq-edge's own address, with `scheme`. */
  host: string;
  /** The scheme the request came in on (`http:`, `https:`). */
  scheme: string;
}

/** The queue's objects, one or many (src/objects/queue-shards.ts). */
export function queueObject(ctx: Tenant, queueName: string): QueueShards {
  return new QueueShards(ctx.env, ctx.appId, queueName);
}

export function catalogObject(ctx: Tenant) {
  return ctx.env.CATALOG.get(ctx.env.CATALOG.idFromName(catalogObjectName(ctx.appId)));
}

export function topicObject(ctx: Tenant, topicName: string) {
  return ctx.env.TOPIC.get(ctx.env.TOPIC.idFromName(topicObjectName(ctx.appId, topicName)));
}
