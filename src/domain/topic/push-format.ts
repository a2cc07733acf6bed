/**
 * CMQ's push to HTTP subscribers (cmq-api-http.md §7): JSON wraps the message with its topic and
 * subscription (note the capital-T TopicOwner); SIMPLIFIED sends the raw body, with the id and tags
 * in headers either way.
 * @module
 */
import type { ContentFormat } from "./subscription-rules";

export interface PushInput {
  format: ContentFormat;
  appId: string;
  topicName: string;
  subscriptionName: string;
  msgId: bigint;
  body: string;
  tags: readonly string[];
  /** Unix ms. */
  publishedAt: number;
  requestId: string;
}

export interface PushRequest {
  headers: Record<string, string>;
  body: string;
}

export function pushRequest(p: PushInput): PushRequest {
  const headers: Record<string, string> = {
    "content-type": "text/plain",
    "user-agent": "Qcloud Notification Service Agent",
    "x-cmq-request-id": p.requestId,
    "x-cmq-message-id": p.msgId.toString(),
  };
  if (p.tags.length > 0) headers["x-cmq-message-tag"] = p.tags.join(", ");
  if (p.format === "SIMPLIFIED") return { headers, body: p.body };
  const owner = /^[0-9]{1,15}$/.test(p.appId) ? Number(p.appId) : p.appId;
  const body = JSON.stringify({
    TopicOwner: owner,
    topicName: p.topicName,
    subscriptionName: p.subscriptionName,
    msgId: p.msgId.toString(),
    msgBody: p.body,
    publishTime: Math.floor(p.publishedAt / 1000),
  });
  return { headers, body };
}
