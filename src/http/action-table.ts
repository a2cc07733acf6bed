/**
 * Action name → handler. Matching ignores case: the Java SDK sends `ClearSUbscriptionFIlterTags`
 * and PY/PHP capitalise the first letter (cmq-api-http.md §2.1, §2.4).
 * @module
 */
import type { Action } from "./action";
import { DEAD_LETTER_ACTIONS } from "./actions/dead-letter";
import { EDGE_MESSAGE_ACTIONS } from "./actions/edge-message";
import { MESSAGE_ACTIONS } from "./actions/message";
import { METRICS_ACTIONS } from "./actions/metrics";
import { QUEUE_ACTIONS } from "./actions/queue";
import { ROUTE_ACTIONS } from "./actions/route";
import { SUBSCRIPTION_ACTIONS } from "./actions/subscription";
import { TOPIC_ACTIONS } from "./actions/topic";
import { TRACE_ACTIONS } from "./actions/trace";
import { REPLAY_POLICY, type ReplayPolicy } from "./replay-policy";

const BY_NAME = {
  ...QUEUE_ACTIONS,
  ...MESSAGE_ACTIONS,
  ...TOPIC_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
  ...ROUTE_ACTIONS,
  ...DEAD_LETTER_ACTIONS,
  ...TRACE_ACTIONS,
  ...METRICS_ACTIONS,
  ...EDGE_MESSAGE_ACTIONS,
};

/** An action's name as CMQ spells it. */
export type ActionName = keyof typeof BY_NAME;

/** Every action's name as CMQ spells it. */
export const ACTION_NAMES = Object.keys(BY_NAME) as readonly ActionName[];

export interface FoundAction {
  action: Action;
  /** Whether the target object remembers the signed request to refuse an identical one. */
  replay: ReplayPolicy;
}

const ACTIONS = new Map<string, FoundAction>(
  ACTION_NAMES.map((name) => [
    name.toLowerCase(),
    { action: BY_NAME[name], replay: REPLAY_POLICY[name] },
  ]),
);

export function findAction(name: string): FoundAction | undefined {
  return ACTIONS.get(name.trim().toLowerCase());
}
