/**
 * CMQ's JSON envelope (cmq-api-http.md §3): always HTTP 200, `code` 0 on success, `message` ""
 * or `(module)text`, and a string `requestId`, with the action's fields beside them.
 * @module
 */
import { type CmqErrorData, toWire } from "../domain/errors";

export type ReplyFields = Record<string, unknown>;

/** An action's answer that is an error but still carries fields (BatchDeleteMessage's errorList). */
export class FailedReply {
  constructor(
    readonly error: CmqErrorData,
    readonly fields: ReplyFields,
  ) {}
}

export type ActionReply = ReplyFields | FailedReply;

const HEADERS = { "content-type": "application/json; charset=utf-8" };

function envelope(code: number, message: string, fields: ReplyFields): Response {
  const body = { code, message, requestId: crypto.randomUUID(), ...fields };
  return new Response(JSON.stringify(body), { status: 200, headers: HEADERS });
}

export function replyResponse(reply: ActionReply): Response {
  if (reply instanceof FailedReply) {
    const wire = toWire(reply.error);
    return envelope(wire.code, wire.message, reply.fields);
  }
  return envelope(0, "", reply);
}

export function errorResponse(error: CmqErrorData): Response {
  const wire = toWire(error);
  return envelope(wire.code, wire.message, {});
}
