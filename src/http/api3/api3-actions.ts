/**
 * API 3.0 action name → handler: the 20 `*Cmq*` actions of tdmq-api3.md §2 and the older SDKs'
 * DescribeCmqDeadLetterSourceQueues. Names match exactly, as Tencent's API matches them.
 * @module
 */
import type { Action } from "../action";
import { DEAD_LETTER_ACTIONS } from "./actions/dead-letter";
import { DESCRIBE_ACTIONS } from "./actions/describe";
import { MESSAGE_ACTIONS } from "./actions/message";
import { QUEUE_ACTIONS } from "./actions/queue";
import { SUBSCRIPTION_ACTIONS } from "./actions/subscription";
import { TOPIC_ACTIONS } from "./actions/topic";

const BY_NAME: Record<string, Action> = {
  ...QUEUE_ACTIONS,
  ...DESCRIBE_ACTIONS,
  ...DEAD_LETTER_ACTIONS,
  ...MESSAGE_ACTIONS,
  ...TOPIC_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
};

export const API3_ACTION_NAMES: readonly string[] = Object.keys(BY_NAME);

export function findApi3Action(name: string): Action | undefined {
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
}
