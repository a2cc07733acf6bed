/** The shape every CMQ action handler has (elasticmq's): a parameter schema, then parse, call, map. */
import type { z } from "zod";
import type { ActionReply } from "./respond";
import type { ActionContext } from "./tenant";

export interface Action<S extends z.ZodType = z.ZodType> {
  schema: S;
  /**
   * Whether a replay of the same signed request is harmless (reads, receives, deletes by handle).
   * Such actions skip the replay check: SDKs that draw Nonces from 0–9999 repeat identical polls
   * within a second often enough that the check would refuse honest traffic (README, security).
   */
  replaySafe: boolean;
  // Method syntax: a table of actions with different inputs must fit one Action type.
  run(ctx: ActionContext, input: z.infer<S>): Promise<ActionReply>;
}

type Run<S extends z.ZodType> = (ctx: ActionContext, input: z.infer<S>) => Promise<ActionReply>;

/** An action that changes state: a replayed request is refused. */
export function action<S extends z.ZodType>(schema: S, run: Run<S>): Action<S> {
  return { schema, replaySafe: false, run };
}

/** An action whose replay is harmless (see Action.replaySafe). */
export function replaySafeAction<S extends z.ZodType>(schema: S, run: Run<S>): Action<S> {
  return { schema, replaySafe: true, run };
}
