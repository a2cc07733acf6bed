/**
 * The data plane over CMQ's TCP protocol through the bridge: one pipelined connection shared by
 * every call, opened on first use and again after it drops (one reconnect however many calls
 * notice), with calls that got no answer retried (retry.ts). Ids and handles cross as decimal
 * text, bodies as UTF-8.
 * @module
 */
import type { PulledMessage, TcpReply } from "../tcp-bridge/src/codec/replies";
import type { TcpRequestBody } from "../tcp-bridge/src/codec/requests";
import { CmqUsageError } from "./errors";
import {
  DEFAULT_RETRY,
  type RetryClock,
  type RetryPolicy,
  untilAborted,
  withRetries,
} from "./retry";
import { TcpClient, type TcpClientOptions } from "./tcp-connection";
import type {
  DataTransport,
  DeleteFailure,
  DeleteRequest,
  PublishRequest,
  ReceivedWire,
  ReceiveRequest,
  SendRequest,
} from "./transport";

export interface TcpTransportOptions extends Omit<TcpClientOptions, "signal"> {
  retry?: Partial<RetryPolicy>;
  retryClock?: RetryClock;
  /** Messages a pull took after its caller stopped waiting (abort): the client hands them back. */
  onAbandoned?: (queue: string, receiptHandles: string[]) => void;
}

const utf8 = new TextDecoder();

function received(m: PulledMessage): ReceivedWire {
  return {
    msgId: m.msgId.toString(),
    receiptHandle: m.receiptHandle.toString(),
    body: utf8.decode(m.body),
    enqueueTime: m.enqueueTime,
    firstDequeueTime: m.firstDequeueTime,
    nextVisibleTime: m.nextVisibleTime,
    dequeueCount: m.dequeueCount,
    ...(m.deadLetter ? { deadLetter: m.deadLetter } : {}),
  };
}

function handleOf(text: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text)) {
    throw new CmqUsageError(`receipt handle ${JSON.stringify(text)} is not a decimal number`);
  }
  return BigInt(text);
}

export class TcpTransport implements DataTransport {
  readonly name = "tcp" as const;
  private current: Promise<TcpClient> | undefined;
  private closed = false;
  /** Connections opened after the first: how often the transport reconnected. */
  reconnects = 0;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: TcpTransportOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The live connection, or a new one when there is none or it closed. */
  connection(): Promise<TcpClient> {
    if (this.closed) return Promise.reject(new CmqUsageError("the TCP client was closed"));
    const current = this.current;
    if (!current) return this.open(undefined);
    return current.then(
      (client) => (client.closed ? this.open(current) : client),
      () => this.open(current),
    );
  }

  /** Opens a connection unless another caller already replaced `stale`. */
  private open(stale: Promise<TcpClient> | undefined): Promise<TcpClient> {
    if (this.current !== stale) return this.connection();
    if (stale) this.reconnects += 1;
    const opening = TcpClient.connect(this.options).then((client) => {
      client.lateReply = (reply, request) => this.lateReply(reply, request);
      if (this.closed) client.close();
      return client;
    });
    this.current = opening;
    return opening;
  }

  private run<T>(signal: AbortSignal | undefined, op: (client: TcpClient) => Promise<T>) {
    return withRetries(
      async () => op(await untilAborted(this.connection(), signal)),
      this.retry,
      signal,
      this.options.retryClock,
    );
  }

  send(r: SendRequest): Promise<string[]> {
    const call = { signal: r.signal };
    return this.run(r.signal, async (c) => {
      const ids = r.single
        ? [await c.send(r.queue, r.bodies[0] ?? "", r.delaySeconds, call)]
        : await c.batchSend(r.queue, [...r.bodies], r.delaySeconds, call);
      return ids.map(String);
    });
  }

  receive(r: ReceiveRequest): Promise<ReceivedWire[]> {
    const call = { signal: r.signal };
    return this.run(r.signal, async (c) => {
      const pulled = r.single
        ? [await c.pull(r.queue, r.waitSeconds, undefined, call)].filter((m) => m !== undefined)
        : await c.batchPull(r.queue, r.max, r.waitSeconds, undefined, call);
      return pulled.map(received);
    });
  }

  delete(r: DeleteRequest): Promise<DeleteFailure[]> {
    const handles = r.handles.map(handleOf);
    const call = { signal: r.signal };
    return this.run(r.signal, async (c) => {
      if (r.single) {
        await c.delete(r.queue, handles[0] ?? 0n, call);
        return [];
      }
      const failures = await c.batchDelete(r.queue, handles, call);
      return failures.map((f) => ({ ...f, receiptHandle: f.receiptHandle.toString() }));
    });
  }

  publish(r: PublishRequest): Promise<string[]> {
    const call = { signal: r.signal };
    const tags = [...r.tags];
    return this.run(r.signal, async (c) => {
      const ids = r.single
        ? [await c.publish(r.topic, r.bodies[0] ?? "", tags, r.routingKey, call)]
        : await c.batchPublish(r.topic, [...r.bodies], tags, r.routingKey, call);
      return ids.map(String);
    });
  }

  private lateReply(reply: TcpReply, request: TcpRequestBody): void {
    if (reply.kind !== "pulled" || request.kind !== "pull" || reply.messages.length === 0) return;
    const handles = reply.messages.map((m) => m.receiptHandle.toString());
    this.options.onAbandoned?.(request.queue, handles);
  }

  close(): void {
    this.closed = true;
    void this.current?.then(
      (client) => client.close(),
      () => {},
    );
  }
}
