/**
 * The CMQ codes a client acts on rather than only reports — "no message" is an empty result, a
 * batch delete's partial failure is a list — read from the one error table (src/domain/errors.ts),
 * so the client (client/) never writes a code of its own.
 * @module
 */
import { toWire } from "../domain/errors";

const noMessage = { kind: "noMessage" } as const;

export const WIRE_CODES = {
  /** An empty receive: HTTP's `code`, and the TCP pull's `result` (cmq-api-tcp.md). */
  noMessage: toWire(noMessage).code,
  noMessageTcp: toWire(noMessage, "tcp").code,
  /** BatchDeleteMessage answered with an `errorList`: some, or all, handles did not delete. */
  deletePartiallyFailed: toWire({ kind: "deletePartiallyFailed" }).code,
  deleteFailed: toWire({ kind: "deleteFailed" }).code,
  /** What callers most often branch on. */
  queueNotFound: toWire({ kind: "queueNotFound", queue: "" }).code,
  topicNotFound: toWire({ kind: "topicNotFound", topic: "" }).code,
  receiptHandleInvalid: toWire({ kind: "receiptHandleInvalid" }).code,
  queueFull: toWire({ kind: "queueFull", limit: 0 }).code,
  tooManyWaiters: toWire({ kind: "tooManyWaiters", queue: "", limit: 0 }).code,
} as const;
