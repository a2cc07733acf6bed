/**
 * The client's errors. CMQ's refusals carry its code and message as typed values (CmqError, on
 * either transport); a request that got no answer at all is a CmqNetworkError, the only kind the
 * client retries. An aborted call rejects with its signal's reason, as fetch does.
 * @module
 */

export type TransportName = "http" | "tcp";

/** CMQ answered, and refused: `code` as CMQ numbers it, `cmqMessage` as `(module)text`. */
export class CmqError extends Error {
  override name = "CmqError";
  readonly action: string;
  readonly code: number;
  readonly cmqMessage: string;
  readonly transport: TransportName;
  /** The HTTP reply's requestId (TCP replies have none). */
  readonly requestId: string | undefined;

  constructor(
    action: string,
    code: number,
    cmqMessage: string,
    transport: TransportName,
    requestId?: string,
  ) {
    super(`${action}: ${code} ${cmqMessage}`);
    this.action = action;
    this.code = code;
    this.cmqMessage = cmqMessage;
    this.transport = transport;
    this.requestId = requestId;
  }
}

/** A reply over HTTP with a non-zero code; `reply` is the whole JSON envelope. */
export class CmqHttpError extends CmqError {
  override name = "CmqHttpError";
  // biome-ignore lint/suspicious/noExplicitAny: reply fields depend on the action.
  readonly reply: Record<string, any> & { code: number; message: string };

  constructor(action: string, reply: CmqHttpError["reply"]) {
    super(action, reply.code, reply.message, "http", reply.requestId);
    this.reply = reply;
  }
}

/**
 * An API 3.0 reply with `Response.Error`: its `Code` is a string (`ResourceNotFound.QueueNotExist`,
 * `AuthFailure.SignatureFailure`, …), not one of API 2.0's numbers, so it is not a CmqError.
 */
export class CmqApi3Error extends Error {
  override name = "CmqApi3Error";
  readonly action: string;
  readonly code: string;
  readonly cmqMessage: string;
  readonly requestId: string | undefined;

  constructor(action: string, error: { Code: string; Message: string }, requestId?: string) {
    super(`${action}: ${error.Code} ${error.Message}`);
    this.action = action;
    this.code = error.Code;
    this.cmqMessage = error.Message;
    this.requestId = requestId;
  }
}

/** An error reply on a TCP connection: `result` and `error` as the frame carries them. */
export class TcpRequestError extends CmqError {
  override name = "TcpRequestError";

  constructor(result: number, error: string, action = "TCP request") {
    super(action, result, error, "tcp");
  }

  get result(): number {
    return this.code;
  }

  get error(): string {
    return this.cmqMessage;
  }
}

/**
 * No answer: the connection was refused, reset or closed, or a timeout the client set ran out.
 * Whether the request took effect is unknown (a send may be stored; at-least-once allows a retry).
 */
export class CmqNetworkError extends Error {
  override name = "CmqNetworkError";
}

/** What the caller asked for cannot be done with this client's transports (say why, and how). */
export class CmqUsageError extends Error {
  override name = "CmqUsageError";
}
