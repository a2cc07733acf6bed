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

const ACTIONS = new Map<string, Action>(
  Object.entries({
    ...QUEUE_ACTIONS,
    ...MESSAGE_ACTIONS,
    ...TOPIC_ACTIONS,
    ...SUBSCRIPTION_ACTIONS,
    ...ROUTE_ACTIONS,
    ...DEAD_LETTER_ACTIONS,
    ...TRACE_ACTIONS,
  }).map(([name, a]) => [name.toLowerCase(), a]),
);

export function findAction(name: string): Action | undefined {
  return ACTIONS.get(name.trim().toLowerCase());
}
