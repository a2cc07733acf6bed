/**
 * What a replay of each action could do, and so whether its target object remembers the signed
 * request to refuse an identical one (SECURITY.md "Replays"). One row per action: the compiler
 * refuses a table that leaves an action out or names one that does not exist.
 * @module
 */
import type { ActionName } from "./action-table";

/**
 * - `refuse`: management. An identical request repeats an effect already applied, so refusing it
 *   loses nothing; a captured one replayed after a later change would undo that change.
 * - `duplicate`: sends and publishes, executed every time. A replay adds a duplicate message, which
 *   at-least-once delivery allows; refusing an honest repeat (SDKs draw Nonces from 0–9999, so
 *   identical sends within a second collide) would lose a message.
 * - `harmless`: reads, receives and deletes by receipt handle, executed every time. A replay
 *   changes nothing, hands out messages that come back after their visibility timeout, or deletes
 *   by a handle that is no longer current. EdgeChangeMessageVisibility too: a repeat moves the
 *   message's visibility again only while the handle is current, so at worst it comes back early
 *   or stays hidden a while longer, which at-least-once delivery allows.
 */
export type ReplayPolicy = "refuse" | "duplicate" | "harmless";

export const REPLAY_POLICY = {
  CreateQueue: "refuse",
  DeleteQueue: "refuse",
  SetQueueAttributes: "refuse",
  RewindQueue: "refuse",
  UnbindDeadLetterQueue: "refuse",
  EdgeRedriveDeadLetterQueue: "refuse",
  CreateTopic: "refuse",
  DeleteTopic: "refuse",
  SetTopicAttributes: "refuse",
  Subscribe: "refuse",
  Unsubscribe: "refuse",
  SetSubscriptionAttributes: "refuse",
  ClearSubscriptionFilterTags: "refuse",

  SendMessage: "duplicate",
  BatchSendMessage: "duplicate",
  PublishMessage: "duplicate",
  BatchPublishMessage: "duplicate",

  ReceiveMessage: "harmless",
  BatchReceiveMessage: "harmless",
  DeleteMessage: "harmless",
  BatchDeleteMessage: "harmless",
  ListQueue: "harmless",
  GetQueueAttributes: "harmless",
  ListDeadLetterSourceQueues: "harmless",
  ListTopic: "harmless",
  GetTopicAttributes: "harmless",
  ListSubscriptionByTopic: "harmless",
  GetSubscriptionAttributes: "harmless",
  QueryQueueRoute: "harmless",
  QueryTopicRoute: "harmless",
  EdgeGetMessageTrace: "harmless",
  EdgeGetQueueMetrics: "harmless",
  EdgeListQueueMetrics: "harmless",
  EdgeChangeMessageVisibility: "harmless",
  EdgePeekMessages: "harmless",
} as const satisfies Record<ActionName, ReplayPolicy>;
