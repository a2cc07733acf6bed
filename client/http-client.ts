/**
 * CMQ's HTTP action API (API 2.0), signed like the official SDKs: `call` returns CMQ's reply
 * whatever its code, `ok` throws CmqHttpError unless it is 0; `api3` calls the same endpoint's API
 * 3.0 for what API 2.0 has no action for. Each attempt is signed afresh (a new
 * Nonce, so a retry is not refused as a replay) and has its own timeout; attempts that get no
 * answer are retried (retry.ts). Any fetch-like function can carry the requests.
 * @module
 */
import { WIRE_CODES } from "../src/contract/wire-codes";
import { api3Request } from "./api3-signing";
import { CmqApi3Error, CmqHttpError, CmqNetworkError } from "./errors";
import { DEFAULT_RETRY, type RetryClock, type RetryPolicy, withRetries } from "./retry";
import { type Credentials, type SignOptions, signedRequest } from "./signing";

// biome-ignore lint/suspicious/noExplicitAny: reply fields depend on the action; callers pick them.
export type CmqReply = Record<string, any> & { code: number; message: string; requestId: string };

export type Params = Record<string, string | number>;

/** An API 3.0 reply's `Response`: the action's fields and its RequestId. */
// biome-ignore lint/suspicious/noExplicitAny: as CmqReply.
export type Api3Response = Record<string, any> & {
  RequestId: string;
  Error?: { Code: string; Message: string };
};

export interface HttpClientOptions {
  /** Where the API answers, e.g. http://127.0.0.1:8787/v2/index.php (any path is served). */
  endpoint: string;
  credentials: Credentials;
  fetch?: (request: Request) => Promise<Response>;
  /** Per attempt, in ms; a long poll adds its wait. Default 10 000. */
  timeoutMs?: number;
  /** Retries of attempts that got no answer; `{ attempts: 1 }` turns them off. */
  retry?: Partial<RetryPolicy>;
  /** Tests replace the backoff's sleep and randomness. */
  retryClock?: RetryClock;
}

export interface CallOptions extends SignOptions {
  signal?: AbortSignal;
  /** Seconds the server may hold the request (a long poll): added to the attempt's timeout. */
  waitSeconds?: number;
}

/** CMQ's JSON shape of a received message (cmq-api-http.md §4.9): ids and handles as text. */
export interface MsgInfo {
  msgBody: string;
  msgId: string;
  receiptHandle: string;
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
}

/** `name.1 … name.N` parameters from a list (1-based unless `base` says otherwise). */
export function indexed(
  name: string,
  values: readonly (string | number | bigint)[],
  base = 1,
): Params {
  return Object.fromEntries(values.map((v, i) => [`${name}.${i + base}`, String(v)]));
}

/** A reply's own fields, without CMQ's envelope (code, message, requestId). */
// biome-ignore lint/suspicious/noExplicitAny: as CmqReply.
export function fieldsOf(reply: CmqReply): Record<string, any> {
  const { code: _code, message: _message, requestId: _requestId, ...fields } = reply;
  return fields;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class CmqHttpClient {
  private readonly fetch: (request: Request) => Promise<Response>;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: HttpClientOptions) {
    this.fetch = options.fetch ?? ((request) => fetch(request));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Calls an action and returns CMQ's reply whatever its code. */
  call(action: string, params: Params = {}, options: CallOptions = {}): Promise<CmqReply> {
    const { signal, waitSeconds = 0, ...sign } = options;
    const { endpoint, credentials } = this.options;
    const build = (s: AbortSignal) => signedRequest(endpoint, credentials, action, params, sign, s);
    return withRetries(
      () => this.attempt<CmqReply>(action, build, this.timeoutMs(waitSeconds), signal),
      this.retry,
      signal,
      this.options.retryClock,
    );
  }

  /**
   * Calls an API 3.0 action (TC3-signed, on the endpoint's origin) and returns its `Response`;
   * throws CmqApi3Error when it carries an Error. Never retried: the actions it serves (a purge)
   * are not safe to repeat when the first attempt's answer was lost.
   */
  async api3(
    action: string,
    params: Record<string, unknown>,
    options: { signal?: AbortSignal } = {},
  ): Promise<Api3Response> {
    const { endpoint, credentials } = this.options;
    const build = (s: AbortSignal) => api3Request(endpoint, credentials, action, params, s);
    const reply = await this.attempt<{ Response?: Api3Response }>(
      action,
      build,
      this.timeoutMs(0),
      options.signal,
    );
    const response = reply.Response;
    if (!response) throw new Error(`${action}: not an API 3.0 reply`);
    if (response.Error) throw new CmqApi3Error(action, response.Error, response.RequestId);
    return response;
  }

  private timeoutMs(waitSeconds: number): number {
    return (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + waitSeconds * 1000;
  }

  private async attempt<T>(
    action: string,
    build: (signal: AbortSignal) => Promise<Request>,
    timeoutMs: number,
    caller: AbortSignal | undefined,
  ): Promise<T> {
    // A timer, not AbortSignal.timeout: a custom fetch may hold no reference to that signal,
    // and Node lets an unreferenced one be collected before it fires.
    const timeout = new AbortController();
    const signal = caller ? AbortSignal.any([caller, timeout.signal]) : timeout.signal;
    const request = await build(signal);
    const timer = setTimeout(() => {
      timeout.abort(new DOMException(`no answer in ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(request);
      text = await response.text();
    } catch (e) {
      if (caller?.aborted) throw caller.reason;
      throw new CmqNetworkError(`${action}: ${describe(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (response.status !== 200) throw new Error(`${action}: HTTP ${response.status}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${action}: not a CMQ reply: ${text.slice(0, 200)}`);
    }
  }

  /** Calls an action and throws CmqHttpError unless its code is 0. */
  async ok(action: string, params: Params = {}, options: CallOptions = {}): Promise<CmqReply> {
    const reply = await this.call(action, params, options);
    if (reply.code !== 0) throw new CmqHttpError(action, reply);
    return reply;
  }

  async createQueue(queueName: string, attributes: Params = {}): Promise<string> {
    return (await this.ok("CreateQueue", { queueName, ...attributes })).queueId;
  }

  async sendMessage(queueName: string, msgBody: string, delaySeconds = 0): Promise<string> {
    return (await this.ok("SendMessage", { queueName, msgBody, delaySeconds })).msgId;
  }

  async batchSendMessage(
    queueName: string,
    bodies: readonly string[],
    delaySeconds = 0,
  ): Promise<string[]> {
    const reply = await this.ok("BatchSendMessage", {
      queueName,
      delaySeconds,
      ...indexed("msgBody", bodies),
    });
    return reply.msgList.map((m: { msgId: string }) => m.msgId);
  }

  /** Up to `numOfMsg` messages; an empty list when the wait ends with CMQ's "no message". */
  async batchReceiveMessage(
    queueName: string,
    numOfMsg: number,
    pollingWaitSeconds = 0,
    options: CallOptions = {},
  ): Promise<MsgInfo[]> {
    const params = { queueName, numOfMsg, pollingWaitSeconds };
    const reply = await this.call("BatchReceiveMessage", params, {
      waitSeconds: pollingWaitSeconds,
      ...options,
    });
    if (reply.code === WIRE_CODES.noMessage) return [];
    if (reply.code !== 0) throw new CmqHttpError("BatchReceiveMessage", reply);
    return reply.msgInfoList;
  }

  async deleteMessage(queueName: string, receiptHandle: string): Promise<void> {
    await this.ok("DeleteMessage", { queueName, receiptHandle });
  }

  async batchDeleteMessage(queueName: string, receiptHandles: readonly string[]): Promise<void> {
    await this.ok("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", receiptHandles) });
  }
}

/** fetch's "fetch failed" says little: name the cause (ECONNREFUSED, a timeout) too. */
function describe(e: unknown): string {
  const error = e as Error & { cause?: Error & { code?: string } };
  const cause = error.cause;
  const why = cause?.code ?? cause?.message;
  return why && why !== error.message ? `${error.message} (${why})` : String(error.message ?? e);
}
