/** Where a tenant's objects live (src/domain/object-names.ts), for the actions of a request. */
import { catalogObjectName, topicObjectName } from "../domain/object-names";
import type { RequestStamp } from "../domain/replay-guard";
import { QueueClient } from "../objects/queue-client/queue-client";
import type { Receiver } from "../objects/receiver";

/** Whose objects: the Worker's bindings and the tenant's appId (and the request, if any). */
export type Tenant = Pick<ActionContext, "env" | "appId" | "receiver">;

export interface ActionContext {
  env: Env;
  appId: string;
  /** Present only for actions whose replay policy is `refuse` (src/http/replay-policy.ts). */
  stamp?: RequestStamp;
  /** The SDK's RequestClient, for the message trace. */
  client: string;
  /** The host the request was sent to: cmq-edge's own address, with `scheme`. */
  host: string;
  /** The client, which a long poll stops waiting for when it goes away. */
  receiver?: Receiver;
  /** The scheme the request came in on (`http:`, `https:`). */
  scheme: string;
}

/** The queue's objects, one or many (src/objects/queue-client/). */
export function queueObject(ctx: Tenant, queueName: string): QueueClient {
  return new QueueClient(ctx.env, ctx.appId, queueName, ctx.receiver);
}

export function catalogObject(ctx: Tenant) {
  return ctx.env.CATALOG.get(ctx.env.CATALOG.idFromName(catalogObjectName(ctx.appId)));
}

export function topicObject(ctx: Tenant, topicName: string) {
  return ctx.env.TOPIC.get(ctx.env.TOPIC.idFromName(topicObjectName(ctx.appId, topicName)));
}
