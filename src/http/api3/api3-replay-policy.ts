/**
 * What a replay of each API 3.0 action could do (the same three policies as API 2.0's,
 * src/http/replay-policy.ts). TC3 signs no nonce, so honest identical requests within one second
 * are common: sends must never be refused, management repeats lose nothing when refused.
 * @module
 */
import type { ReplayPolicy } from "../replay-policy";
import type { Api3ActionName } from "./api3-actions";

export const API3_REPLAY_POLICY = {
  CreateCmqQueue: "refuse",
  ModifyCmqQueueAttribute: "refuse",
  DeleteCmqQueue: "refuse",
  ClearCmqQueue: "refuse",
  RewindCmqQueue: "refuse",
  UnbindCmqDeadLetter: "refuse",
  CreateCmqTopic: "refuse",
  ModifyCmqTopicAttribute: "refuse",
  DeleteCmqTopic: "refuse",
  CreateCmqSubscribe: "refuse",
  ModifyCmqSubscriptionAttribute: "refuse",
  DeleteCmqSubscribe: "refuse",
  ClearCmqSubscriptionFilterTags: "refuse",

  SendCmqMsg: "duplicate",
  PublishCmqMsg: "duplicate",

  DescribeCmqQueues: "harmless",
  DescribeCmqQueueDetail: "harmless",
  DescribeCmqTopics: "harmless",
  DescribeCmqTopicDetail: "harmless",
  DescribeCmqSubscriptionDetail: "harmless",
  DescribeCmqDeadLetterSourceQueues: "harmless",
} as const satisfies Record<Api3ActionName, ReplayPolicy>;
