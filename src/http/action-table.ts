/**
 * Action name → handler. Matching ignores case: the Java SDK sends `ClearSUbscriptionFIlterTags`
 * and PY/PHP capitalise the first letter (cmq-api-http.md §2.1, §2.4).
 * @module
 */
import type { Action } from "./action";
import { DEAD_LETTER_ACTIONS } from "./actions/dead-letter";
import { MESSAGE_ACTIONS } from "./actions/message";
import { QUEUE_ACTIONS } from "./actions/queue";
import { ROUTE_ACTIONS } from "./actions/route";
import { SUBSCRIPTION_ACTIONS } from "./actions/subscription";
import { TOPIC_ACTIONS } from "./actions/topic";
import { TRACE_ACTIONS } from "./actions/trace";

const BY_NAME: Record<string, Action> = {
  ...QUEUE_ACTIONS,
  ...MESSAGE_ACTIONS,
  ...TOPIC_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
  ...ROUTE_ACTIONS,
  ...DEAD_LETTER_ACTIONS,
  ...TRACE_ACTIONS,
};

/** Every action's name as CMQ spells it. */
export const ACTION_NAMES: readonly string[] = Object.keys(BY_NAME);

const ACTIONS = new Map<string, Action>(
  Object.entries(BY_NAME).map(([name, a]) => [name.toLowerCase(), a]),
);

export function findAction(name: string): Action | undefined {
  return ACTIONS.get(name.trim().toLowerCase());
}
