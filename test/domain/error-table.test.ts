/**
 * Every row of the one error table (src/domain/errors.ts), on both transports: the code CMQ
 * defines for it (cmq-api-http.md §6, §9 R2; cmq-api-tcp.md for TCP's own results), its module
 * code, and a message that carries the error's fields. The rows are read from the table itself.
 */
import { describe, expect, it } from "vitest";
import {
  CmqError,
  type CmqErrorData,
  type CmqErrorKind,
  ERROR_KINDS,
  toWire,
} from "../../src/domain/errors";

type Sample = { [K in CmqErrorKind]: Extract<CmqErrorData, { kind: K }> };

/** One error of each kind, its fields set to values no template could print by chance. */
const SAMPLES: Sample = {
  missingParameter: { kind: "missingParameter", name: "pName7" },
  parameterType: { kind: "parameterType", name: "pName7", expected: "integer-ish" },
  parameterOutOfRange: { kind: "parameterOutOfRange", name: "pName7", detail: "0-4711" },
  parameterNotRepeatable: { kind: "parameterNotRepeatable", name: "pName7" },
  arrayNotConsecutive: { kind: "arrayNotConsecutive", name: "pName7" },
  batchSizeOutOfRange: { kind: "batchSizeOutOfRange", name: "pName7", max: 17 },
  requestTooLarge: { kind: "requestTooLarge", limit: 1048577 },
  malformedRequest: { kind: "malformedRequest", reason: "broken-body-x" },
  formParametersRequired: { kind: "formParametersRequired" },
  unsupportedMethod: { kind: "unsupportedMethod", method: "PATCH" },
  unknownAction: { kind: "unknownAction", action: "NoSuchAction" },
  invalidName: { kind: "invalidName", what: "queue", name: "1-bad-name" },
  emptyMessageBody: { kind: "emptyMessageBody" },
  delayOutOfRange: { kind: "delayOutOfRange", max: 3601 },
  rewindTimeInvalid: { kind: "rewindTimeInvalid", earliest: 1700000001, latest: 1700000099 },
  rewindExceedsRetention: { kind: "rewindExceedsRetention" },
  queueNotRewindable: { kind: "queueNotRewindable", queue: "q-sample" },
  queueNotFound: { kind: "queueNotFound", queue: "q-sample" },
  queueAlreadyExists: { kind: "queueAlreadyExists", queue: "q-sample" },
  queueLimitReached: { kind: "queueLimitReached", limit: 1001 },
  messageTooLarge: { kind: "messageTooLarge", size: 70001, limit: 65536 },
  batchTooLarge: { kind: "batchTooLarge", size: 1048999, limit: 1048576 },
  queueFull: { kind: "queueFull", limit: 4711 },
  receiptHandleInvalid: { kind: "receiptHandleInvalid" },
  receiptHandleMalformed: { kind: "receiptHandleMalformed" },
  messageNotInFlight: { kind: "messageNotInFlight" },
  noMessage: { kind: "noMessage" },
  deletePartiallyFailed: { kind: "deletePartiallyFailed" },
  deleteFailed: { kind: "deleteFailed" },
  topicNotFound: { kind: "topicNotFound", topic: "t-sample" },
  topicAlreadyExists: { kind: "topicAlreadyExists", topic: "t-sample" },
  topicLimitReached: { kind: "topicLimitReached", limit: 1002 },
  topicHasSubscriptions: { kind: "topicHasSubscriptions", topic: "t-sample" },
  subscriptionNotFound: { kind: "subscriptionNotFound", subscription: "s-sample" },
  subscriptionAlreadyExists: { kind: "subscriptionAlreadyExists", subscription: "s-sample" },
  subscriptionLimitReached: { kind: "subscriptionLimitReached", limit: 101 },
  invalidEndpoint: { kind: "invalidEndpoint", reason: "no-scheme-x" },
  endpointHasBlanks: { kind: "endpointHasBlanks" },
  unknownProtocol: { kind: "unknownProtocol", protocol: "smtp" },
  unknownNotifyStrategy: { kind: "unknownNotifyStrategy", strategy: "SOMETIMES" },
  unknownContentFormat: { kind: "unknownContentFormat", format: "XML" },
  tooManyFilterTags: { kind: "tooManyFilterTags", limit: 6 },
  tooManyBindingKeys: { kind: "tooManyBindingKeys", limit: 7 },
  tooManyMsgTags: { kind: "tooManyMsgTags", limit: 8 },
  invalidRoutingKey: {
    kind: "invalidRoutingKey",
    what: "bindingKey",
    value: "a..b",
    reason: "empty-word-x",
  },
  routingKeyRequired: { kind: "routingKeyRequired" },
  noSubscription: { kind: "noSubscription", topic: "t-sample" },
  noMatchingSubscription: { kind: "noMatchingSubscription" },
  tooManyWaiters: { kind: "tooManyWaiters", queue: "q-sample", limit: 513 },
  deadLetterPolicyInvalid: { kind: "deadLetterPolicyInvalid", reason: "policy-x" },
  deadLetterQueueNotFound: { kind: "deadLetterQueueNotFound", queue: "q-dead" },
  deadLetterNesting: { kind: "deadLetterNesting", reason: "nested-x" },
  deadLetterQueueInUse: { kind: "deadLetterQueueInUse", queue: "q-dead" },
  deadLetterBoundTooMany: { kind: "deadLetterBoundTooMany", queue: "q-dead", limit: 9 },
  notDeadLetterQueue: { kind: "notDeadLetterQueue", queue: "q-sample" },
  notAuthenticated: { kind: "notAuthenticated" },
  alreadyAuthenticated: { kind: "alreadyAuthenticated" },
  bridgeUnauthorized: { kind: "bridgeUnauthorized" },
  noCredentialConfigured: { kind: "noCredentialConfigured" },
  bridgeTokenNotConfigured: { kind: "bridgeTokenNotConfigured" },
  metricsUnauthorized: { kind: "metricsUnauthorized" },
  invalidAuthorization: { kind: "invalidAuthorization", reason: "no-scope-q9" },
  unknownVersion: { kind: "unknownVersion", version: "1999-01-01" },
  unknownParameter: { kind: "unknownParameter", name: "pName7" },
  unsupportedValue: { kind: "unsupportedValue", name: "pName7", reason: "not-here-x" },
  transactionNotSupported: { kind: "transactionNotSupported" },
  transactionUnknown: { kind: "transactionUnknown", msgId: "72057594037927941" },
  transactionStateInvalid: { kind: "transactionStateInvalid", state: 5 },
  bodyNotUtf8: { kind: "bodyNotUtf8" },
  signatureMismatch: { kind: "signatureMismatch" },
  unknownSecretId: { kind: "unknownSecretId" },
  timestampOutOfWindow: { kind: "timestampOutOfWindow", windowSeconds: 901 },
  requestReplayed: { kind: "requestReplayed" },
  shardsFixed: { kind: "shardsFixed", queue: "q-sample" },
  shardsChanged: { kind: "shardsChanged", shards: 5 },
  internal: { kind: "internal" },
};

interface Expected {
  /** `code` in the HTTP envelope. */
  http: number;
  /** `result` on TCP, where it differs from the HTTP code. */
  tcp?: number;
  /** The `(module)` the message starts with. */
  module: number;
}

// Written from cmq-api-http.md §6 (code | module), with §9 R2 deciding "not found" (4440) and
// "already exists" (4000); `own` marks rows CMQ does not define, whose numbers are cmq-edge's.
const EXPECTED: Record<CmqErrorKind, Expected> = {
  missingParameter: { http: 4000, module: 10390 },
  parameterType: { http: 4000, module: 10360 },
  parameterOutOfRange: { http: 4000, module: 10350 },
  parameterNotRepeatable: { http: 4000, module: 10330 },
  arrayNotConsecutive: { http: 4000, module: 10380 },
  batchSizeOutOfRange: { http: 4000, module: 10370 },
  requestTooLarge: { http: 4000, module: 10420 },
  malformedRequest: { http: 4000, module: 10420 },
  // own: a JSON body is unparsable as CMQ's form parameters, as malformedRequest is.
  formParametersRequired: { http: 4000, module: 10420 },
  unsupportedMethod: { http: 4000, module: 10410 },
  unknownAction: { http: 4000, module: 10430 },
  invalidName: { http: 4000, module: 10020 },
  emptyMessageBody: { http: 4000, module: 10120 },
  delayOutOfRange: { http: 4000, module: 10692 },
  rewindTimeInvalid: { http: 4000, module: 10680 },
  rewindExceedsRetention: { http: 4000, module: 10700 },
  queueNotRewindable: { http: 6050, module: 10670 },
  queueNotFound: { http: 4440, module: 10100 },
  queueAlreadyExists: { http: 4000, module: 4460 },
  queueLimitReached: { http: 4450, module: 10220 },
  messageTooLarge: { http: 4400, module: 10230 },
  batchTooLarge: { http: 4470, module: 10300 },
  queueFull: { http: 4410, module: 10240 },
  receiptHandleInvalid: { http: 4430, module: 10260 },
  receiptHandleMalformed: { http: 4000, module: 10470 },
  // own: EdgeChangeMessageVisibility's refusal, beside a stale receipt handle's code.
  messageNotInFlight: { http: 4430, module: 10800 },
  // cmq-api-tcp.md: the TCP SDK knows "no message" as result 10200.
  noMessage: { http: 7000, tcp: 10200, module: 10200 },
  deletePartiallyFailed: { http: 6010, module: 10150 },
  deleteFailed: { http: 6020, module: 10290 },
  topicNotFound: { http: 4440, module: 10600 },
  // own: §6 lists 4460 for queues only; a topic mirrors it.
  topicAlreadyExists: { http: 4000, module: 4460 },
  topicLimitReached: { http: 4450, module: 10610 },
  topicHasSubscriptions: { http: 4000, module: 10540 },
  // own: §6 gives no module for a missing subscription; the code follows R2.
  subscriptionNotFound: { http: 4440, module: 10560 },
  subscriptionAlreadyExists: { http: 4000, module: 10470 },
  subscriptionLimitReached: { http: 4500, module: 10480 },
  invalidEndpoint: { http: 4000, module: 10500 },
  endpointHasBlanks: { http: 4510, module: 10570 },
  unknownProtocol: { http: 4000, module: 10510 },
  unknownNotifyStrategy: { http: 4000, module: 10520 },
  unknownContentFormat: { http: 4000, module: 10530 },
  tooManyFilterTags: { http: 4000, module: 10490 },
  tooManyBindingKeys: { http: 4000, module: 10680 },
  tooManyMsgTags: { http: 4000, module: 10720 },
  invalidRoutingKey: { http: 4000, module: 10691 },
  routingKeyRequired: { http: 4000, module: 10700 },
  noSubscription: { http: 6030, module: 10650 },
  noMatchingSubscription: { http: 6030, module: 10730 },
  // §6 4420/10250 "qps throttling": too many receivers waiting is the same refusal.
  tooManyWaiters: { http: 4420, module: 10250 },
  deadLetterPolicyInvalid: { http: 4000, module: 10720 },
  // §6 4000/10730–10780, the dead-letter rows of 创建队列.md, in that document's order.
  deadLetterQueueNotFound: { http: 4000, module: 10730 },
  deadLetterNesting: { http: 4000, module: 10740 },
  deadLetterQueueInUse: { http: 4000, module: 10750 },
  deadLetterBoundTooMany: { http: 4000, module: 10780 },
  // own: redrive is cmq-edge's action; its refusal sits in the dead-letter range.
  notDeadLetterQueue: { http: 4000, module: 10760 },
  // cmq-api-tcp.md: 306 makes the SDK close the connection, 307 counts as a successful auth.
  notAuthenticated: { http: 4100, tcp: 306, module: 10031 },
  alreadyAuthenticated: { http: 4100, tcp: 307, module: 10032 },
  // own: the bridge token and missing secrets are cmq-edge's; they fail as authentication does.
  bridgeUnauthorized: { http: 4100, module: 10030 },
  noCredentialConfigured: { http: 4100, module: 10030 },
  bridgeTokenNotConfigured: { http: 4100, module: 10030 },
  metricsUnauthorized: { http: 4100, module: 10030 },
  // own: API 3.0's failures (tdmq-api3.md §4) in API 2.0's terms, should an API 2.0 client meet one.
  invalidAuthorization: { http: 4100, module: 10030 },
  unknownVersion: { http: 4000, module: 10430 },
  unknownParameter: { http: 4000, module: 10350 },
  unsupportedValue: { http: 4000, module: 10350 },
  transactionNotSupported: { http: 4490, module: 10790 },
  transactionUnknown: { http: 4490, module: 10770 },
  transactionStateInvalid: { http: 4490, module: 10780 },
  // own: a TCP body that is not UTF-8 is a parameter of the wrong type.
  bodyNotUtf8: { http: 4000, module: 10360 },
  signatureMismatch: { http: 4100, module: 10030 },
  unknownSecretId: { http: 4100, module: 10270 },
  timestampOutOfWindow: { http: 4100, module: 10030 },
  requestReplayed: { http: 4100, module: 10030 },
  // own: shards are cmq-edge's attribute; a change is an out-of-range value, a race is internal.
  shardsFixed: { http: 4000, module: 10350 },
  shardsChanged: { http: 6000, module: 10050 },
  internal: { http: 6000, module: 10050 },
};

/** The sample's field values that its message must print (flags only pick a code or module). */
const printedFields = (error: CmqErrorData) =>
  Object.entries(error)
    .filter(([name, value]) => name !== "kind" && typeof value !== "boolean")
    .map(([, value]) => String(value));

describe("the error table", () => {
  it("has a sample and an expectation for every kind, and no others", () => {
    expect(ERROR_KINDS.length).toBeGreaterThan(60);
    expect(Object.keys(SAMPLES).sort()).toEqual([...ERROR_KINDS].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual([...ERROR_KINDS].sort());
  });

  it.each(ERROR_KINDS)(
    "maps %s to its code and a message with its fields, on both transports",
    (kind) => {
      const sample = SAMPLES[kind];
      const { http, tcp = http, module } = EXPECTED[kind];
      const overHttp = toWire(sample, "http");
      const overTcp = toWire(sample, "tcp");
      expect(overHttp.code).toBe(http);
      expect(overTcp.code).toBe(tcp);
      expect(overTcp.message).toBe(overHttp.message);
      expect(overHttp.message).toMatch(new RegExp(`^\\(${module}\\)\\S`));
      for (const field of printedFields(sample)) expect(overHttp.message).toContain(field);
      // The domain's exception carries the same text, so a log line reads like the reply.
      expect(new CmqError(sample).message).toBe(overHttp.message);
    },
  );

  it.each<[string, CmqErrorData, number, number]>([
    [
      "a missing topic, where SDK tests expect 4000 (R2)",
      { kind: "topicNotFound", topic: "t", asParameterError: true },
      4000,
      10600,
    ],
    [
      "a missing subscription, where SDK tests expect 4000 (R2)",
      { kind: "subscriptionNotFound", subscription: "s", asParameterError: true },
      4000,
      10560,
    ],
    ["a topic name", { kind: "invalidName", what: "topic", name: "1t" }, 4000, 10580],
    ["a subscription name", { kind: "invalidName", what: "subscription", name: "1s" }, 4000, 10590],
  ])("maps the variant for %s", (_, error, code, module) => {
    for (const transport of ["http", "tcp"] as const) {
      const wire = toWire(error, transport);
      expect(wire.code).toBe(code);
      expect(wire.message.startsWith(`(${module})`)).toBe(true);
    }
  });

  it.each<[CmqErrorData, string]>([
    // Users compare these texts literally (cmq-api-http.md §4.9, §4.11, R2).
    [{ kind: "noMessage" }, "(10200)no message"],
    [{ kind: "receiptHandleInvalid" }, "(10260)receipt handle is invalid"],
    [{ kind: "queueNotFound", queue: "q" }, "(10100)queue is not existed, or deleted: q"],
    [
      { kind: "queueAlreadyExists", queue: "q" },
      "(4460)queue is already existed,case insensitive: q",
    ],
    [{ kind: "deletePartiallyFailed" }, "(10150)delete message partially failed"],
    [{ kind: "signatureMismatch" }, "(10030)authentication failed"],
  ])("keeps the text SDK users match for %j", (error, message) => {
    expect(toWire(error).message).toBe(message);
  });
});
