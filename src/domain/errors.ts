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
  | { kind: "signatureMismatch" }
  | { kind: "unknownSecretId" }
  | { kind: "timestampOutOfWindow"; windowSeconds: number }
  | { kind: "requestReplayed" }
  | { kind: "internal" };

export type CmqErrorKind = CmqErrorData["kind"];

export interface CmqWireError {
  /** CMQ's numeric `code` (HTTP envelope) / `result` (TCP). */
  code: number;
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
    text: `${e.what} name format error: must start with a letter and hold up to 64 letters, digits, - or _`,
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
  noMessage: () => ({ code: 7000, module: 10200, text: "no message" }),
  deletePartiallyFailed: () => ({
    code: 6010,
    module: 10150,
    text: "delete message partially failed",
  }),
  deleteFailed: () => ({ code: 6020, module: 10290, text: "batch delete message failed" }),
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
    text: "authentication failed: this signed request (Nonce, Timestamp) was already used",
  }),
  internal: () => ({ code: 6000, module: 10050, text: "server internal error" }),
};

/** Maps an error to its CMQ code and the `(module)text` message CMQ clients expect. */
export function toWire(error: CmqErrorData): { code: number; message: string } {
  const row = (ERROR_TABLE[error.kind] as (e: CmqErrorData) => CmqWireError)(error);
  return { code: row.code, message: `(${row.module})${row.text}` };
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
