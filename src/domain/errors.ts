/**
 * Every error cmq-edge reports, as data, and THE table that maps each kind to its CMQ code, module
 * code and message (cmq-api-http.md §6, §9 R2), and to its Tencent Cloud API 3.0 code (tdmq-api3.md
 * §4). HTTP, API 3.0, the bridge route and the TCP bridge all take codes from here; no numeric CMQ
 * code and no API 3.0 code appears anywhere else.
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
  | { kind: "formParametersRequired" }
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
  | { kind: "messageNotInFlight" }
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
  | { kind: "metricsUnauthorized" }
  | { kind: "transactionNotSupported" }
  | { kind: "transactionUnknown"; msgId: string }
  | { kind: "transactionStateInvalid"; state: number }
  | { kind: "bodyNotUtf8" }
  /** `expected`: what the server signed (canonical request hash, scope), never the key. */
  | { kind: "signatureMismatch"; expected?: string }
  | { kind: "invalidAuthorization"; reason: string }
  | { kind: "unknownVersion"; version: string }
  | { kind: "unknownParameter"; name: string }
  | { kind: "unsupportedValue"; name: string; reason: string }
  | { kind: "unknownSecretId" }
  | { kind: "timestampOutOfWindow"; windowSeconds: number }
  | { kind: "requestReplayed" }
  | { kind: "shardsFixed"; queue: string }
  | { kind: "shardsChanged"; shards: number }
  | { kind: "internal" };

export type CmqErrorKind = CmqErrorData["kind"];

/** Tencent Cloud API 3.0 error codes cmq-edge answers with (tdmq-api3.md §4). */
export type Api3Code =
  | "AuthFailure.InvalidAuthorization"
  | "AuthFailure.SecretIdNotFound"
  | "AuthFailure.SignatureExpire"
  | "AuthFailure.SignatureFailure"
  | "FailedOperation"
  | "FailedOperation.MaxMessageSizeError"
  | "InternalError"
  | "InvalidAction"
  | "InvalidParameter"
  | "InvalidParameterValue"
  | "InvalidParameterValue.NeedMoreParams"
  | "LimitExceeded"
  | "LimitExceeded.Subscriptions"
  | "LimitExceeded.Topics"
  | "MissingParameter"
  | "NoSuchVersion"
  | "RequestLimitExceeded"
  | "RequestSizeLimitExceeded"
  | "ResourceInUse"
  | "ResourceInUse.Queue"
  | "ResourceInUse.Subscription"
  | "ResourceInUse.Topic"
  | "ResourceNotFound"
  | "ResourceNotFound.Subscription"
  | "ResourceNotFound.Topic"
  | "UnknownParameter"
  | "UnsupportedOperation"
  | "UnsupportedProtocol";

export interface CmqWireError {
  /** The API 3.0 code (`Response.Error.Code`); the message there is `text`. */
  api3: Api3Code;
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
    api3: "MissingParameter",
    code: PARAMS,
    module: 10390,
    text: `lacked of required parameter ${e.name}`,
  }),
  parameterType: (e) => ({
    api3: "InvalidParameter",
    code: PARAMS,
    module: 10360,
    text: `parameter ${e.name} error type, expected ${e.expected}`,
  }),
  parameterOutOfRange: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10350,
    text: `parameter ${e.name} value or length is out of range: ${e.detail}`,
  }),
  parameterNotRepeatable: (e) => ({
    api3: "InvalidParameter",
    code: PARAMS,
    module: 10330,
    text: `parameter ${e.name} is NOT a repeatable parameter`,
  }),
  arrayNotConsecutive: (e) => ({
    api3: "InvalidParameter",
    code: PARAMS,
    module: 10380,
    text: `${e.name} parameter is not consequent`,
  }),
  batchSizeOutOfRange: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10370,
    text: `${e.name} parameter batch size is out of range (1-${e.max})`,
  }),
  requestTooLarge: (e) => ({
    api3: "RequestSizeLimitExceeded",
    code: PARAMS,
    module: 10420,
    text: `cannot parse request, or request size is more than ${e.limit} bytes`,
  }),
  malformedRequest: (e) => ({
    api3: "InvalidParameter",
    code: PARAMS,
    module: 10420,
    text: `cannot parse ${e.reason}`,
  }),
  formParametersRequired: () => ({
    api3: "InvalidParameter",
    code: PARAMS,
    module: 10420,
    text:
      "cannot parse a JSON body: the CMQ API 2.0 takes its parameters (Action, SecretId, Nonce, " +
      "Timestamp, Signature, …) form-encoded (application/x-www-form-urlencoded) in the body or " +
      "in the query string",
  }),
  unsupportedMethod: (e) => ({
    api3: "UnsupportedProtocol",
    code: PARAMS,
    module: 10410,
    text: `unexpected http ${e.method} only GET or POST is supported`,
  }),
  unknownAction: (e) => ({
    api3: "InvalidAction",
    code: PARAMS,
    module: 10430,
    text: `action name ${e.action} is not existed`,
  }),
  invalidName: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: { queue: 10020, topic: 10580, subscription: 10590 }[e.what],
    text: `${e.what} name format error: ${JSON.stringify(e.name)} must start with a letter and hold up to 64 letters, digits, - or _`,
  }),
  emptyMessageBody: () => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10120,
    text: "message body can't be empty",
  }),
  delayOutOfRange: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10692,
    text: `delay seconds is out of range (0-${e.max})`,
  }),
  rewindTimeInvalid: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10680,
    text: `invalid rewind time: startConsumeTime must lie between ${e.earliest} and ${e.latest}`,
  }),
  rewindExceedsRetention: () => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10700,
    text: "rewindSeconds cannot be greater than msgRetentionSeconds",
  }),
  queueNotRewindable: (e) => ({
    api3: "UnsupportedOperation",
    code: 6050,
    module: 10670,
    text: `your queue cannot be rewinded: ${e.queue} has rewindSeconds 0`,
  }),
  queueNotFound: (e) => ({
    api3: "ResourceNotFound",
    code: 4440,
    module: 10100,
    text: `queue is not existed, or deleted: ${e.queue}`,
  }),
  queueAlreadyExists: (e) => ({
    api3: "ResourceInUse.Queue",
    code: PARAMS,
    module: 4460,
    text: `queue is already existed,case insensitive: ${e.queue}`,
  }),
  queueLimitReached: (e) => ({
    api3: "LimitExceeded",
    code: 4450,
    module: 10220,
    text: `number of queues has reached the limit (${e.limit})`,
  }),
  messageTooLarge: (e) => ({
    api3: "FailedOperation.MaxMessageSizeError",
    code: 4400,
    module: 10230,
    text: `exceed maximum message size: ${e.size} bytes > ${e.limit}`,
  }),
  batchTooLarge: (e) => ({
    api3: "FailedOperation.MaxMessageSizeError",
    code: 4470,
    module: 10300,
    text: `total message size exceed 1MB: ${e.size} bytes > ${e.limit}`,
  }),
  queueFull: (e) => ({
    api3: "LimitExceeded",
    code: 4410,
    module: 10240,
    text: `reach maximum retention number of message (maxMsgHeapNum ${e.limit})`,
  }),
  receiptHandleInvalid: () => ({
    api3: "InvalidParameterValue",
    code: 4430,
    module: 10260,
    text: "receipt handle is invalid",
  }),
  receiptHandleMalformed: () => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10470,
    text: "receiptHandle error: expected the decimal handle a receive returned",
  }),
  // EdgeChangeMessageVisibility with the handle of a delivery that is over (SQS's
  // MessageNotInflight): the code of a stale handle, the module says which case it is.
  messageNotInFlight: () => ({
    api3: "InvalidParameterValue",
    code: 4430,
    module: 10800,
    text: "message is not in flight: its visibility timeout ran out or it was released; receive it again",
  }),
  // Users compare `(10200)no message` literally (cmq-api-http.md §4.9): keep the text exact.
  noMessage: () => ({
    api3: "ResourceNotFound",
    code: 7000,
    tcpCode: 10200,
    module: 10200,
    text: "no message",
  }),
  deletePartiallyFailed: () => ({
    api3: "FailedOperation",
    code: 6010,
    module: 10150,
    text: "delete message partially failed",
  }),
  deleteFailed: () => ({
    api3: "FailedOperation",
    code: 6020,
    module: 10290,
    text: "batch delete message failed",
  }),
  // Missing topics and subscriptions answer 4440, except where SDK tests expect 4000 (§9 R2).
  topicNotFound: (e) => ({
    api3: "ResourceNotFound.Topic",
    code: e.asParameterError ? PARAMS : 4440,
    module: 10600,
    text: `topic is not existed, or deleted: ${e.topic}`,
  }),
  topicAlreadyExists: (e) => ({
    api3: "ResourceInUse.Topic",
    code: PARAMS,
    module: 4460,
    text: `topic is already existed,case insensitive: ${e.topic}`,
  }),
  topicLimitReached: (e) => ({
    api3: "LimitExceeded.Topics",
    code: 4450,
    module: 10610,
    text: `number of topics has reached the limit (${e.limit})`,
  }),
  topicHasSubscriptions: (e) => ({
    api3: "ResourceInUse",
    code: PARAMS,
    module: 10540,
    text: `there exists subscriptions under topic ${e.topic}, please unsubscribe all of them before DeleteTopic`,
  }),
  subscriptionNotFound: (e) => ({
    api3: "ResourceNotFound.Subscription",
    code: e.asParameterError ? PARAMS : 4440,
    module: 10560,
    text: `subscription is not existed, or deleted: ${e.subscription}`,
  }),
  subscriptionAlreadyExists: (e) => ({
    api3: "ResourceInUse.Subscription",
    code: PARAMS,
    module: 10470,
    text: `subscribtion is already existed: ${e.subscription}`,
  }),
  subscriptionLimitReached: (e) => ({
    api3: "LimitExceeded.Subscriptions",
    code: 4500,
    module: 10480,
    text: `number of subscription has reached the limit (${e.limit})`,
  }),
  invalidEndpoint: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10500,
    text: `endpoint format error: ${e.reason}`,
  }),
  endpointHasBlanks: () => ({
    api3: "InvalidParameterValue",
    code: 4510,
    module: 10570,
    text: "url connot contain any blank characters",
  }),
  unknownProtocol: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10510,
    text: `undefined protocol ${e.protocol}: use http or queue`,
  }),
  unknownNotifyStrategy: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10520,
    text: `undefined notify retry stragety ${e.strategy}: use BACKOFF_RETRY or EXPONENTIAL_DECAY_RETRY`,
  }),
  unknownContentFormat: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10530,
    text: `undefined notify content format ${e.format}: use JSON or SIMPLIFIED`,
  }),
  tooManyFilterTags: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10490,
    text: `number of filterTag exceed limit (${e.limit})`,
  }),
  tooManyBindingKeys: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10680,
    text: `too many bindingKey (limit ${e.limit})`,
  }),
  tooManyMsgTags: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10720,
    text: `too many msgTag (limit ${e.limit})`,
  }),
  invalidRoutingKey: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10691,
    text: `${e.what} ${JSON.stringify(e.value)} is malformed: ${e.reason}`,
  }),
  routingKeyRequired: () => ({
    api3: "InvalidParameterValue.NeedMoreParams",
    code: PARAMS,
    module: 10700,
    text: "parameters lack of routingKey: the topic routes by routingKey (filterType 2)",
  }),
  noSubscription: (e) => ({
    api3: "FailedOperation",
    code: 6030,
    module: 10650,
    text: `topic ${e.topic} has no subscription, please create a subscription before publishing message`,
  }),
  noMatchingSubscription: () => ({
    api3: "FailedOperation",
    code: 6030,
    module: 10730,
    text: "no bindingKey or filterTag matches the routingKey or msgTag",
  }),
  tooManyWaiters: (e) => ({
    api3: "RequestLimitExceeded",
    code: 4420,
    module: 10250,
    text: `qps throttling: ${e.limit} receivers are already waiting on queue ${e.queue}; retry later`,
  }),
  deadLetterPolicyInvalid: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10720,
    text: `deadLetterPolicy params error: ${e.reason}`,
  }),
  deadLetterQueueNotFound: (e) => ({
    api3: "ResourceNotFound",
    code: PARAMS,
    module: 10730,
    text: `deadLetter queue is not existed: ${e.queue}`,
  }),
  deadLetterNesting: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10740,
    text: `deadLetter queue is not allowed to nest: ${e.reason}`,
  }),
  deadLetterQueueInUse: (e) => ({
    api3: "ResourceInUse",
    code: PARAMS,
    module: 10750,
    text: `deadLetter queue ${e.queue} is bound by source queues: unbind them before deleting it`,
  }),
  deadLetterBoundTooMany: (e) => ({
    api3: "LimitExceeded",
    code: PARAMS,
    module: 10780,
    text: `deadLetter queue ${e.queue} is bound too many times (limit ${e.limit})`,
  }),
  notDeadLetterQueue: (e) => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10760,
    text: `queue ${e.queue} holds no dead-lettered messages to redrive`,
  }),
  // The Java TCP SDK closes the connection on 306 and takes 307 as success (cmq-api-tcp.md).
  notAuthenticated: () => ({
    api3: "AuthFailure.InvalidAuthorization",
    code: AUTH,
    tcpCode: 306,
    module: 10031,
    text: "connection is not authenticated: send CMQ_TCP_AUTH first",
  }),
  alreadyAuthenticated: () => ({
    api3: "AuthFailure.InvalidAuthorization",
    code: AUTH,
    tcpCode: 307,
    module: 10032,
    text: "connection is already authenticated",
  }),
  bridgeUnauthorized: () => ({
    api3: "AuthFailure.InvalidAuthorization",
    code: AUTH,
    module: 10030,
    text: "authentication failed: bridge token",
  }),
  // A Worker deployed without its secrets answers only this: it has no credential to fall back on.
  noCredentialConfigured: () => ({
    api3: "AuthFailure.SecretIdNotFound",
    code: AUTH,
    module: 10030,
    text: "no credential is configured on this Worker: set CMQ_CREDENTIALS with `wrangler secret put CMQ_CREDENTIALS`",
  }),
  bridgeTokenNotConfigured: () => ({
    api3: "InternalError",
    code: AUTH,
    module: 10030,
    text: "the TCP bridge route is closed: no CMQ_BRIDGE_TOKEN is configured on this Worker: set it with `wrangler secret put CMQ_BRIDGE_TOKEN`",
  }),
  // GET /metrics with an Authorization header that is not the CMQ_METRICS_TOKEN secret.
  metricsUnauthorized: () => ({
    api3: "AuthFailure.InvalidAuthorization",
    code: AUTH,
    module: 10030,
    text: "authentication failed: metrics token (or sign the request as a CMQ request)",
  }),
  transactionNotSupported: () => ({
    api3: "UnsupportedOperation",
    code: 4490,
    module: 10790,
    text: "transaction message is not supported",
  }),
  transactionUnknown: (e) => ({
    api3: "InvalidParameterValue",
    code: 4490,
    module: 10770,
    text: `message id invalid: ${e.msgId} is not a transaction message of this queue waiting for a decision`,
  }),
  transactionStateInvalid: (e) => ({
    api3: "InvalidParameterValue",
    code: 4490,
    module: 10780,
    text: `message operation not allowed: state ${e.state}, expected 1 (commit) or 2 (rollback)`,
  }),
  bodyNotUtf8: () => ({
    api3: "InvalidParameterValue",
    code: PARAMS,
    module: 10360,
    text: "parameter msgBody error type, expected UTF-8 text",
  }),
  signatureMismatch: (e) => ({
    api3: "AuthFailure.SignatureFailure",
    code: AUTH,
    module: 10030,
    text: e.expected ? `authentication failed: ${e.expected}` : "authentication failed",
  }),
  invalidAuthorization: (e) => ({
    api3: "AuthFailure.InvalidAuthorization",
    code: AUTH,
    module: 10030,
    text: `authentication failed: ${e.reason}`,
  }),
  unknownVersion: (e) => ({
    api3: "NoSuchVersion",
    code: PARAMS,
    module: 10430,
    text: `version ${JSON.stringify(e.version)} is not supported: use 2020-02-17`,
  }),
  unknownParameter: (e) => ({
    api3: "UnknownParameter",
    code: PARAMS,
    module: 10350,
    text: `parameter ${e.name} is not a parameter of this action`,
  }),
  unsupportedValue: (e) => ({
    api3: "UnsupportedOperation",
    code: PARAMS,
    module: 10350,
    text: `parameter ${e.name}: ${e.reason}`,
  }),
  unknownSecretId: () => ({
    api3: "AuthFailure.SecretIdNotFound",
    code: AUTH,
    module: 10270,
    text: "secret id is not existed",
  }),
  timestampOutOfWindow: (e) => ({
    api3: "AuthFailure.SignatureExpire",
    code: AUTH,
    module: 10030,
    text: `authentication failed: Timestamp is more than ${e.windowSeconds} s away from server time`,
  }),
  requestReplayed: () => ({
    api3: "AuthFailure.SignatureFailure",
    code: AUTH,
    module: 10030,
    // Only management actions are checked (src/http/replay-policy.ts): the first copy's effect
    // stands. TC3 signs no nonce: an identical request within the same second is the same one.
    text: "an identical signed request was already executed (API 2.0 signs its Nonce and Timestamp; TC3 signs the action, the body and the second of X-TC-Timestamp); this copy was not run again and nothing was lost (sign it again, with a new Nonce or in a later second, to repeat it)",
  }),
  shardsFixed: (e) => ({
    api3: "UnsupportedOperation",
    code: PARAMS,
    module: 10350,
    text: `shards of queue ${e.queue} is fixed when the queue is created`,
  }),
  // Routing detail: the caller re-routes, so a client sees it only if the queue keeps changing.
  shardsChanged: (e) => ({
    api3: "InternalError",
    code: 6000,
    module: 10050,
    text: `server internal error: queue shards changed to ${e.shards} while routing, retry`,
  }),
  internal: () => ({
    api3: "InternalError",
    code: 6000,
    module: 10050,
    text: "server internal error",
  }),
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

/** Maps an error to its Tencent Cloud API 3.0 `Error` object (tdmq-api3.md §4). */
export function toApi3(error: CmqErrorData): { Code: Api3Code; Message: string } {
  const row = (ERROR_TABLE[error.kind] as (e: CmqErrorData) => CmqWireError)(error);
  return { Code: row.api3, Message: row.text };
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
