/**
 * A typed async client for cmq-edge's (and CMQ's) HTTP action API, signed like the official SDKs.
 * Used by tests and benchmarks; any fetch-like function can carry the requests.
 * @module
 */
import { type Credentials, type SignOptions, signedRequest } from "./http-signing";

// biome-ignore lint/suspicious/noExplicitAny: reply fields depend on the action; callers pick them.
export type CmqReply = Record<string, any> & { code: number; message: string; requestId: string };

export type Params = Record<string, string | number>;

export interface HttpClientOptions {
  /** e.g. http://127.0.0.1:8787/v2/index.php */
  endpoint: string;
  credentials: Credentials;
  fetch?: (request: Request) => Promise<Response>;
}

export class CmqHttpError extends Error {
  constructor(
    readonly action: string,
    readonly reply: CmqReply,
  ) {
    super(`${action}: ${reply.code} ${reply.message}`);
  }
}

/** `name.1 … name.N` parameters from a list (1-based unless `base` says otherwise). */
export function indexed(
  name: string,
  values: readonly (string | number | bigint)[],
  base = 1,
): Params {
  return Object.fromEntries(values.map((v, i) => [`${name}.${i + base}`, String(v)]));
}

export interface ReceivedMessage {
  msgBody: string;
  msgId: string;
  receiptHandle: string;
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
}

export class CmqHttpClient {
  private readonly fetch: (request: Request) => Promise<Response>;

  constructor(private readonly options: HttpClientOptions) {
    this.fetch = options.fetch ?? ((request) => fetch(request));
  }

  /** Calls an action and returns CMQ's reply whatever its code. */
  async call(action: string, params: Params = {}, sign: SignOptions = {}): Promise<CmqReply> {
    const request = await signedRequest(
      this.options.endpoint,
      this.options.credentials,
      action,
      params,
      sign,
    );
    const response = await this.fetch(request);
    if (response.status !== 200) throw new Error(`${action}: HTTP ${response.status}`);
    return (await response.json()) as CmqReply;
  }

  /** Calls an action and throws CmqHttpError unless its code is 0. */
  async ok(action: string, params: Params = {}): Promise<CmqReply> {
    const reply = await this.call(action, params);
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
  ): Promise<ReceivedMessage[]> {
    const reply = await this.call("BatchReceiveMessage", {
      queueName,
      numOfMsg,
      pollingWaitSeconds,
    });
    if (reply.code === 7000) return [];
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
