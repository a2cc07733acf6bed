/** The shape every CMQ action handler has (elasticmq's): a parameter schema, then parse, call, map. */
import type { z } from "zod";
import type { ActionReply } from "./respond";
import type { ActionContext } from "./tenant";

/** What an action does on a replay is decided in one table: src/http/replay-policy.ts. */
export interface Action<S extends z.ZodType = z.ZodType> {
  schema: S;
  // Method syntax: a table of actions with different inputs must fit one Action type.
  run(ctx: ActionContext, input: z.infer<S>): Promise<ActionReply>;
}

type Run<S extends z.ZodType> = (ctx: ActionContext, input: z.infer<S>) => Promise<ActionReply>;

export function action<S extends z.ZodType>(schema: S, run: Run<S>): Action<S> {
  return { schema, run };
}
