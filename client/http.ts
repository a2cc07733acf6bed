/**
 * `cmq-edge/client/http`: the client over HTTP only, for any runtime with fetch and WebCrypto —
 * Node, Workers, browsers (the console) — since it pulls in no Node module.
 * @module
 */
import { CmqClient } from "./cmq-client";
import { CmqHttpClient, type HttpClientOptions } from "./http-client";
import { ClientParts } from "./transport";
import { HttpTransport } from "./transport-http";

/** A client whose every call is a signed CMQ API 2.0 request to `endpoint`. */
export function httpClient(options: HttpClientOptions): CmqClient {
  const http = new CmqHttpClient(options);
  return new CmqClient(new ClientParts(new HttpTransport(http), http));
}

export type { EdgeMinute, EdgeQueueMetrics, QueueTotals } from "../src/contract/edge-metrics";
export { WIRE_CODES as CMQ_CODES } from "../src/contract/wire-codes";
export { CmqClient, type NamedEntry } from "./cmq-client";
export {
  CmqApi3Error,
  CmqError,
  CmqHttpError,
  CmqNetworkError,
  CmqUsageError,
  TcpRequestError,
  type TransportName,
} from "./errors";
export {
  type Api3Response,
  type CallOptions as HttpCallOptions,
  CmqHttpClient,
  type CmqReply,
  fieldsOf,
  type HttpClientOptions,
  indexed,
  type MsgInfo,
  type Params,
} from "./http-client";
export { type CallOptions, Message } from "./message";
export type { MessagesOptions } from "./message-iterator";
export {
  type DeadLetterPolicy,
  type PeekedMessage,
  Queue,
  type QueueAttributes,
  type QueueSettings,
  type ReceiveOptions,
  type TraceEvent,
} from "./queue";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry";
export { type Credentials, type SignOptions, signedRequest } from "./signing";
export {
  type ListOptions,
  type NewSubscription,
  type PublishOptions,
  Subscription,
  type SubscriptionAttributes,
  type SubscriptionSettings,
  Topic,
  type TopicAttributes,
  type TopicSettings,
} from "./topic";
export type { DeleteFailure } from "./transport";
