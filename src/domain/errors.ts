/**
 * Every error cmq-edge reports, as data, and THE table that maps each kind to its CMQ code, module
 * code and message (cmq-api-http.md §6, §9 R2). HTTP, the bridge route and the TCP bridge all take
 * codes from here; no numeric CMQ code appears anywhere else.
 * @module
 */

export type CmqErrorData =
  | { kind: "missingParameter"; name: string }
  | { kind: "parameterType"; name: string; expected: string }
  | { kind: "parameterOutOfRange"; name: string; detail: string }
  | { kind: "parameterNotRepeatable"; name: string }
  | { kind: "arrayNotConsecutive"; name: string }
  | { kind: "batchSizeOutOfRange"; name: string; max: number }
  | { kind: "requestTooLarge"; limit: number }
  | { kind: "malformedRequest"; reason: string }
  | { kind: "unsupportedMethod"; method: string }
  | { kind: "unknownAction"; action: string }
  | { kind: "invalidName"; what: "queue" | "topic" | "subscription"; name: string }
  | { kind: "emptyMessageBody" }
  | { kind: "delayOutOfRange"; max: number }
  | { kind: "rewindTimeInvalid"; earliest: number; latest: number }
  | { kind: "rewindExceedsRetention" }
  | { kind: "queueNotRewindable"; queue: string }
  | { kind: "queueNotFound"; queue: string }
  | { kind: "queueAlreadyExists"; queue: string }
  | { kind: "queueLimitReached"; limit: number }
  | { kind: "messageTooLarge"; size: number; limit: number }
  | { kind: "batchTooLarge"; size: number; limit: number }
  | { kind: "queueFull"; limit: number }
  | { kind: "receiptHandleInvalid" }
  | { kind: "receiptHandleMalformed" }
  | { kind: "noMessage" }
  | { kind: "deletePartiallyFailed" }
  | { kind: "deleteFailed" }
  | { kind: "topicNotFound"; topic: string; asParameterError?: boolean }
  | { kind: "topicAlreadyExists"; topic: string }
  | { kind: "topicLimitReached"; limit: number }
  | { kind: "topicHasSubscriptions"; topic: string }
  | { kind: "subscriptionNotFound"; subscription: string; asParameterError?: boolean }
  | { kind: "subscriptionAlreadyExists"; subscription: string }
  | { kind: "subscriptionLimitReached"; limit: number }
  | { kind: "invalidEndpoint"; reason: string }
  | { kind: "endpointHasBlanks" }
  | { kind: "unknownProtocol"; protocol: string }
  | { kind: "unknownNotifyStrategy"; strategy: string }
  | { kind: "unknownContentFormat"; format: string }
  | { kind: "tooManyFilterTags"; limit: number }
  | { kind: "tooManyBindingKeys"; limit: number }
  | { kind: "tooManyMsgTags"; limit: number }
  | { kind: "invalidRoutingKey"; what: "bindingKey" | "routingKey"; value: string; reason: string }
  | { kind: "routingKeyRequired" }
  | { kind: "noSubscription"; topic: string }
  | { kind: "noMatchingSubscription" }
  | { kind: "tooManyWaiters"; queue: string; limit: number }
  | { kind: "deadLetterPolicyInvalid"; reason: string }
  | { kind: "deadLetterQueueNotFound"; queue: string }
  | { kind: "deadLetterNesting"; reason: string }
  | { kind: "deadLetterQueueInUse"; queue: string }
  | { kind: "deadLetterBoundTooMany"; queue: string; limit: number }
  | { kind: "notDeadLetterQueue"; queue: string }
  | { kind: "notAuthenticated" }
  | { kind: "alreadyAuthenticated" }
  | { kind: "bridgeUnauthorized" }
  | { kind: "noCredentialConfigured" }
  | { kind: "bridgeTokenNotConfigured" }
  | { kind: "transactionNotSupported" }
  | { kind: "transactionUnknown"; msgId: string }
  | { kind: "transactionStateInvalid"; state: number }
  | { kind: "bodyNotUtf8" }
  | { kind: "signatureMismatch" }
  | { kind: "unknownSecretId" }
  | { kind: "timestampOutOfWindow"; windowSeconds: number }
  | { kind: "requestReplayed" }
  | { kind: "shardsFixed"; queue: string }
  | { kind: "shardsChanged"; shards: number }
  | { kind: "internal" };

export type CmqErrorKind = CmqErrorData["kind"];

export interface CmqWireError {
  /** CMQ's numeric `code` (HTTP envelope) and, unless `tcpCode` says otherwise, `result` (TCP). */
  code: number;
  /** Where the TCP SDK expects another number (cmq-api-tcp.md: 10200 for "no message"). */
  tcpCode?: number;
  /** The module code shown in the message as `(module)text`. */
  module: number;
  text: string;
}

type ErrorTable = {
  [K in CmqErrorKind]: (e: Extract<CmqErrorData, { kind: K }>) => CmqWireError;
};

const PARAMS = 4000;
const AUTH = 4100;

const ERROR_TABLE: ErrorTable = {
  missingParameter: (e) => ({
    code: PARAMS,
    module: 10390,
    text: `lacked of required parameter ${e.name}`,
  }),
  parameterType: (e) => ({
    code: PARAMS,
    module: 10360,
    text: `parameter ${e.name} error type, expected ${e.expected}`,
  }),
  parameterOutOfRange: (e) => ({
    code: PARAMS,
    module: 10350,
    text: `parameter ${e.name} value or length is out of range: ${e.detail}`,
  }),
  parameterNotRepeatable: (e) => ({
    code: PARAMS,
    module: 10330,
    text: `parameter ${e.name} is NOT a repeatable parameter`,
  }),
  arrayNotConsecutive: (e) => ({
    code: PARAMS,
    module: 10380,
    text: `${e.name} parameter is not consequent`,
  }),
  batchSizeOutOfRange: (e) => ({
    code: PARAMS,
    module: 10370,
    text: `${e.name} parameter batch size is out of range (1-${e.max})`,
  }),
  requestTooLarge: (e) => ({
    code: PARAMS,
    module: 10420,
    text: `cannot parse request, or request size is more than ${e.limit} bytes`,
  }),
  malformedRequest: (e) => ({ code: PARAMS, module: 10420, text: `cannot parse ${e.reason}` }),
  unsupportedMethod: (e) => ({
    code: PARAMS,
    module: 10410,
    text: `unexpected http ${e.method} only GET or POST is supported`,
  }),
  unknownAction: (e) => ({
    code: PARAMS,
    module: 10430,
    text: `action name ${e.action} is not existed`,
  }),
  invalidName: (e) => ({
    code: PARAMS,
    module: { queue: 10020, topic: 10580, subscription: 10590 }[e.what],
    text: `${e.what} name format error: ${JSON.stringify(e.name)} must start with a letter and hold up to 64 letters, digits, - or _`,
  }),
  emptyMessageBody: () => ({ code: PARAMS, module: 10120, text: "message body can't be empty" }),
  delayOutOfRange: (e) => ({
    code: PARAMS,
    module: 10692,
    text: `delay seconds is out of range (0-${e.max})`,
  }),
  rewindTimeInvalid: (e) => ({
    code: PARAMS,
    module: 10680,
    text: `invalid rewind time: startConsumeTime must lie between ${e.earliest} and ${e.latest}`,
  }),
  rewindExceedsRetention: () => ({
    code: PARAMS,
    module: 10700,
    text: "rewindSeconds cannot be greater than msgRetentionSeconds",
  }),
  queueNotRewindable: (e) => ({
    code: 6050,
    module: 10670,
    text: `your queue cannot be rewinded: ${e.queue} has rewindSeconds 0`,
  }),
  queueNotFound: (e) => ({
    code: 4440,
    module: 10100,
    text: `queue is not existed, or deleted: ${e.queue}`,
  }),
  queueAlreadyExists: (e) => ({
    code: PARAMS,
    module: 4460,
    text: `queue is already existed,case insensitive: ${e.queue}`,
  }),
  queueLimitReached: (e) => ({
    code: 4450,
    module: 10220,
    text: `number of queues has reached the limit (${e.limit})`,
  }),
  messageTooLarge: (e) => ({
    code: 4400,
    module: 10230,
    text: `exceed maximum message size: ${e.size} bytes > ${e.limit}`,
  }),
  batchTooLarge: (e) => ({
    code: 4470,
    module: 10300,
    text: `total message size exceed 1MB: ${e.size} bytes > ${e.limit}`,
  }),
  queueFull: (e) => ({
    code: 4410,
    module: 10240,
    text: `reach maximum retention number of message (maxMsgHeapNum ${e.limit})`,
  }),
  receiptHandleInvalid: () => ({ code: 4430, module: 10260, text: "receipt handle is invalid" }),
  receiptHandleMalformed: () => ({
    code: PARAMS,
    module: 10470,
    text: "receiptHandle error: expected the decimal handle a receive returned",
  }),
  // Users compare `(10200)no message` literally (cmq-api-http.md §4.9): keep the text exact.
  noMessage: () => ({ code: 7000, tcpCode: 10200, module: 10200, text: "no message" }),
  deletePartiallyFailed: () => ({
    code: 6010,
    module: 10150,
    text: "delete message partially failed",
  }),
  deleteFailed: () => ({ code: 6020, module: 10290, text: "batch delete message failed" }),
  // Missing topics and subscriptions answer 4440, except where SDK tests expect 4000 (§9 R2).
  topicNotFound: (e) => ({
    code: e.asParameterError ? PARAMS : 4440,
    module: 10600,
    text: `topic is not existed, or deleted: ${e.topic}`,
  }),
  topicAlreadyExists: (e) => ({
    code: PARAMS,
    module: 4460,
    text: `topic is already existed,case insensitive: ${e.topic}`,
  }),
  topicLimitReached: (e) => ({
    code: 4450,
    module: 10610,
    text: `number of topics has reached the limit (${e.limit})`,
  }),
  topicHasSubscriptions: (e) => ({
    code: PARAMS,
    module: 10540,
    text: `there exists subscriptions under topic ${e.topic}, please unsubscribe all of them before DeleteTopic`,
  }),
  subscriptionNotFound: (e) => ({
    code: e.asParameterError ? PARAMS : 4440,
    module: 10560,
    text: `subscription is not existed, or deleted: ${e.subscription}`,
  }),
  subscriptionAlreadyExists: (e) => ({
    code: PARAMS,
    module: 10470,
    text: `subscribtion is already existed: ${e.subscription}`,
  }),
  subscriptionLimitReached: (e) => ({
    code: 4500,
    module: 10480,
    text: `number of subscription has reached the limit (${e.limit})`,
  }),
  invalidEndpoint: (e) => ({
    code: PARAMS,
    module: 10500,
    text: `endpoint format error: ${e.reason}`,
  }),
  endpointHasBlanks: () => ({
    code: 4510,
    module: 10570,
    text: "url connot contain any blank characters",
  }),
  unknownProtocol: (e) => ({
    code: PARAMS,
    module: 10510,
    text: `undefined protocol ${e.protocol}: use http or queue`,
  }),
  unknownNotifyStrategy: (e) => ({
    code: PARAMS,
    module: 10520,
    text: `undefined notify retry stragety ${e.strategy}: use BACKOFF_RETRY or EXPONENTIAL_DECAY_RETRY`,
  }),
  unknownContentFormat: (e) => ({
    code: PARAMS,
    module: 10530,
    text: `undefined notify content format ${e.format}: use JSON or SIMPLIFIED`,
  }),
  tooManyFilterTags: (e) => ({
    code: PARAMS,
    module: 10490,
    text: `number of filterTag exceed limit (${e.limit})`,
  }),
  tooManyBindingKeys: (e) => ({
    code: PARAMS,
    module: 10680,
    text: `too many bindingKey (limit ${e.limit})`,
  }),
  tooManyMsgTags: (e) => ({
    code: PARAMS,
    module: 10720,
    text: `too many msgTag (limit ${e.limit})`,
  }),
  invalidRoutingKey: (e) => ({
    code: PARAMS,
    module: 10691,
    text: `${e.what} ${JSON.stringify(e.value)} is malformed: ${e.reason}`,
  }),
  routingKeyRequired: () => ({
    code: PARAMS,
    module: 10700,
    text: "parameters lack of routingKey: the topic routes by routingKey (filterType 2)",
  }),
  noSubscription: (e) => ({
    code: 6030,
    module: 10650,
    text: `topic ${e.topic} has no subscription, please create a subscription before publishing message`,
  }),
  noMatchingSubscription: () => ({
    code: 6030,
    module: 10730,
    text: "no bindingKey or filterTag matches the routingKey or msgTag",
  }),
  tooManyWaiters: (e) => ({
    code: 4420,
    module: 10250,
    text: `qps throttling: ${e.limit} receivers are already waiting on queue ${e.queue}; retry later`,
  }),
  deadLetterPolicyInvalid: (e) => ({
    code: PARAMS,
    module: 10720,
    text: `deadLetterPolicy params error: ${e.reason}`,
  }),
  deadLetterQueueNotFound: (e) => ({
    code: PARAMS,
    module: 10730,
    text: `deadLetter queue is not existed: ${e.queue}`,
  }),
  deadLetterNesting: (e) => ({
    code: PARAMS,
    module: 10740,
    text: `deadLetter queue is not allowed to nest: ${e.reason}`,
  }),
  deadLetterQueueInUse: (e) => ({
    code: PARAMS,
    module: 10750,
    text: `deadLetter queue ${e.queue} is bound by source queues: unbind them before deleting it`,
  }),
  deadLetterBoundTooMany: (e) => ({
    code: PARAMS,
    module: 10780,
    text: `deadLetter queue ${e.queue} is bound too many times (limit ${e.limit})`,
  }),
  notDeadLetterQueue: (e) => ({
    code: PARAMS,
    module: 10760,
    text: `queue ${e.queue} holds no dead-lettered messages to redrive`,
  }),
  // The Java TCP SDK closes the connection on 306 and takes 307 as success (cmq-api-tcp.md).
  notAuthenticated: () => ({
    code: AUTH,
    tcpCode: 306,
    module: 10031,
    text: "connection is not authenticated: send CMQ_TCP_AUTH first",
  }),
  alreadyAuthenticated: () => ({
    code: AUTH,
    tcpCode: 307,
    module: 10032,
    text: "connection is already authenticated",
  }),
  bridgeUnauthorized: () => ({
    code: AUTH,
    module: 10030,
    text: "authentication failed: bridge token",
  }),
  // A Worker deployed without its secrets answers only this: it has no credential to fall back on.
  noCredentialConfigured: () => ({
    code: AUTH,
    module: 10030,
    text: "no credential is configured on this Worker: set CMQ_CREDENTIALS with `wrangler secret put CMQ_CREDENTIALS`",
  }),
  bridgeTokenNotConfigured: () => ({
    code: AUTH,
    module: 10030,
    text: "the TCP bridge route is closed: no CMQ_BRIDGE_TOKEN is configured on this Worker: set it with `wrangler secret put CMQ_BRIDGE_TOKEN`",
  }),
  transactionNotSupported: () => ({
    code: 4490,
    module: 10790,
    text: "transaction message is not supported",
  }),
  transactionUnknown: (e) => ({
    code: 4490,
    module: 10770,
    text: `message id invalid: ${e.msgId} is not a transaction message of this queue waiting for a decision`,
  }),
  transactionStateInvalid: (e) => ({
    code: 4490,
    module: 10780,
    text: `message operation not allowed: state ${e.state}, expected 1 (commit) or 2 (rollback)`,
  }),
  bodyNotUtf8: () => ({
    code: PARAMS,
    module: 10360,
    text: "parameter msgBody error type, expected UTF-8 text",
  }),
  signatureMismatch: () => ({ code: AUTH, module: 10030, text: "authentication failed" }),
  unknownSecretId: () => ({ code: AUTH, module: 10270, text: "secret id is not existed" }),
  timestampOutOfWindow: (e) => ({
    code: AUTH,
    module: 10030,
    text: `authentication failed: Timestamp is more than ${e.windowSeconds} s away from server time`,
  }),
  requestReplayed: () => ({
    code: AUTH,
    module: 10030,
    // Only management actions are checked (src/http/replay-policy.ts): the first copy's effect stands.
    text: "an identical signed request (same Nonce, Timestamp and parameters) was already executed; this copy was not run again and nothing was lost (sign it again with a new Nonce to repeat it)",
  }),
  shardsFixed: (e) => ({
    code: PARAMS,
    module: 10350,
    text: `shards of queue ${e.queue} is fixed when the queue is created`,
  }),
  // Routing detail: the caller re-routes, so a client sees it only if the queue keeps changing.
  shardsChanged: (e) => ({
    code: 6000,
    module: 10050,
    text: `server internal error: queue shards changed to ${e.shards} while routing, retry`,
  }),
  internal: () => ({ code: 6000, module: 10050, text: "server internal error" }),
};

/** Every kind in the table, read from the table itself: what tests iterate to cover each row. */
export const ERROR_KINDS = Object.keys(ERROR_TABLE) as CmqErrorKind[];

/**
 * Maps an error to its CMQ code and the `(module)text` message CMQ clients expect, as the HTTP
 * API (`code`) or the TCP protocol (`result`) carries it.
 */
export function toWire(
  error: CmqErrorData,
  transport: "http" | "tcp" = "http",
): { code: number; message: string } {
  const row = (ERROR_TABLE[error.kind] as (e: CmqErrorData) => CmqWireError)(error);
  const code = transport === "tcp" ? (row.tcpCode ?? row.code) : row.code;
  return { code, message: `(${row.module})${row.text}` };
}

/** The one exception type of the domain; transports catch it and call {@link toWire}. */
export class CmqError extends Error {
  constructor(readonly data: CmqErrorData) {
    super(toWire(data).message);
    this.name = "CmqError";
  }
}

export function fail(data: CmqErrorData): never {
  throw new CmqError(data);
}
