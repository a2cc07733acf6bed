/**
 * API 3.0 action name → handler: the 20 `*Cmq*` actions of tdmq-api3.md §2 and the older SDKs'
 * DescribeCmqDeadLetterSourceQueues. Names match exactly, as Tencent's API matches them.
 * @module
 */
import type { FoundAction } from "../action-table";
import { DEAD_LETTER_ACTIONS } from "./actions/dead-letter";
import { DESCRIBE_ACTIONS } from "./actions/describe";
import { MESSAGE_ACTIONS } from "./actions/message";
import { QUEUE_ACTIONS } from "./actions/queue";
import { SUBSCRIPTION_ACTIONS } from "./actions/subscription";
import { TOPIC_ACTIONS } from "./actions/topic";
import { API3_REPLAY_POLICY } from "./api3-replay-policy";

const BY_NAME = {
  ...QUEUE_ACTIONS,
  ...DESCRIBE_ACTIONS,
  ...DEAD_LETTER_ACTIONS,
  ...MESSAGE_ACTIONS,
  ...TOPIC_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
};

export type Api3ActionName = keyof typeof BY_NAME;

export const API3_ACTION_NAMES = Object.keys(BY_NAME) as readonly Api3ActionName[];

/** The handler and replay policy (api3-replay-policy.ts) of an action named exactly `name`. */
export function findApi3Action(name: string): FoundAction | undefined {
  if (!Object.hasOwn(BY_NAME, name)) return undefined;
  const known = name as Api3ActionName;
  return { action: BY_NAME[known], replay: API3_REPLAY_POLICY[known] };
}
