/**
 * Where a tenant's objects live. Every name is scoped by the credential's appId, and queue names
 * are unique case-insensitively, so a queue's object is named by appId and the lower-cased name.
 * @module
 */
import { nameKey } from "../domain/catalog/catalog-store";
import type { RequestStamp } from "../domain/replay-guard";

export interface ActionContext {
  env: Env;
  appId: string;
  stamp: RequestStamp;
}

export function queueObject(ctx: ActionContext, queueName: string) {
  return ctx.env.QUEUE.get(ctx.env.QUEUE.idFromName(`${ctx.appId}/${nameKey(queueName)}`));
}

export function catalogObject(ctx: ActionContext) {
  return ctx.env.CATALOG.get(ctx.env.CATALOG.idFromName(ctx.appId));
}
