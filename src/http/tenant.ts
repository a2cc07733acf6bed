/** Where a tenant's objects live (src/domain/object-names.ts), for the actions of a request. */
import { catalogObjectName, queueObjectName, topicObjectName } from "../domain/object-names";
import type { RequestStamp } from "../domain/replay-guard";

export interface ActionContext {
  env: Env;
  appId: string;
  /** Absent for replay-safe actions (src/http/action.ts). */
  stamp?: RequestStamp;
}

export function queueObject(ctx: ActionContext, queueName: string) {
  return ctx.env.QUEUE.get(ctx.env.QUEUE.idFromName(queueObjectName(ctx.appId, queueName)));
}

export function catalogObject(ctx: ActionContext) {
  return ctx.env.CATALOG.get(ctx.env.CATALOG.idFromName(catalogObjectName(ctx.appId)));
}

export function topicObject(ctx: ActionContext, topicName: string) {
  return ctx.env.TOPIC.get(ctx.env.TOPIC.idFromName(topicObjectName(ctx.appId, topicName)));
}
