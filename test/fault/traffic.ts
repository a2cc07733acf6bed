/**
 * Producers and consumers for the fault tests, over HTTP (CmqHttpClient) and TCP (TcpClient through
 * the bridge), all writing to one Ledger. Every request has a timeout; any failure is recorded and
 * retried after a short pause, and a TCP client whose connection closed is replaced by a new one.
 */
import {
  type CmqHttpClient,
  indexed,
  type MsgInfo,
  TcpClient,
  TcpRequestError,
} from "cmq-edge/client";
import type { PulledMessage } from "../../tcp-bridge/src/codec/replies";
import type { Ledger, Random } from "./ledger";
import { CREDENTIALS, httpClient, sleep } from "./processes";

export interface TrafficOptions {
  ledger: Ledger;
  random: Random;
  queues: readonly string[];
  /** http://127.0.0.1:<port>/v2/index.php */
  httpEndpoint: string;
  tcpPort: number;
  /** Per-request timeout; receives add their polling wait. */
  requestTimeoutMs: number;
  /** Long-poll wait of every receive, in seconds. */
  waitSeconds: number;
}

/** Rejects when `promise` has not settled within `ms`: a client that hung. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

export class Traffic {
  private producing = true;
  private consuming = true;
  private readonly producers: Promise<void>[] = [];
  private readonly consumers: Promise<void>[] = [];
  private readonly clients = new Set<TcpClient>();
  /** TCP connections opened after the first one of each client: reconnects. */
  tcpReconnects = 0;
  /** Every client started, by name. */
  readonly names: string[] = [];

  constructor(private readonly o: TrafficOptions) {}

  httpProducers(n: number, prefix = "hp"): void {
    for (let i = 1; i <= n; i++)
      this.producers.push(this.httpProducer(this.named(`${prefix}${i}`)));
  }
  tcpProducers(n: number, prefix = "tp"): void {
    for (let i = 1; i <= n; i++) this.producers.push(this.tcpProducer(this.named(`${prefix}${i}`)));
  }
  httpConsumers(n: number, prefix = "hc"): void {
    for (let i = 1; i <= n; i++)
      this.consumers.push(this.httpConsumer(this.named(`${prefix}${i}`)));
  }
  tcpConsumers(n: number, prefix = "tc"): void {
    for (let i = 1; i <= n; i++) this.consumers.push(this.tcpConsumer(this.named(`${prefix}${i}`)));
  }

  /** Stops producing; every producer must finish its request in flight within `ms`. */
  async stopProducers(ms = 30_000): Promise<void> {
    this.producing = false;
    await within(Promise.all(this.producers), ms, "a producer");
    this.producers.length = 0;
  }

  async stopConsumers(ms = 30_000): Promise<void> {
    this.consuming = false;
    await within(Promise.all(this.consumers), ms, "a consumer");
    this.consumers.length = 0;
    this.consuming = true;
  }

  private named(name: string): string {
    this.names.push(name);
    return name;
  }

  /** Closes any TCP client left open (after a failed test). */
  closeAll(): void {
    this.producing = false;
    this.consuming = false;
    for (const c of this.clients) c.close();
    this.clients.clear();
  }

  private pause(min: number, max: number): Promise<void> {
    return sleep(this.o.random.int(min, max));
  }

  private http(): CmqHttpClient {
    return httpClient(this.o.httpEndpoint, this.o.requestTimeoutMs + this.o.waitSeconds * 1000);
  }

  private async httpProducer(name: string): Promise<void> {
    const { ledger, random, queues } = this.o;
    const client = this.http();
    while (this.producing) {
      const queueName = random.pick(queues);
      const bodies = Array.from({ length: random.int(1, 16) }, () => ledger.newBody(name));
      ledger.sending(bodies);
      try {
        const reply = await ledger.timed(
          client.call("BatchSendMessage", { queueName, ...indexed("msgBody", bodies) }),
        );
        const ids: unknown = reply.msgList;
        if (reply.code === 0 && Array.isArray(ids) && ids.length === bodies.length) {
          ledger.acked(
            bodies,
            ids.map((m: { msgId: string }) => m.msgId),
          );
          ledger.ok(name);
          await this.pause(5, 40);
          continue;
        }
        ledger.unknown(bodies, "after an HTTP error reply");
        ledger.error(`${name} BatchSendMessage`, `code ${reply.code} ${reply.message}`);
      } catch (e) {
        ledger.unknown(bodies, "after no HTTP reply");
        ledger.error(`${name} BatchSendMessage`, e);
      }
      await this.pause(100, 300);
    }
  }

  /** A new authenticated TCP client, or undefined (error recorded) when that failed. */
  private async connect(name: string, first: boolean): Promise<TcpClient | undefined> {
    try {
      const client = await this.o.ledger.timed(
        TcpClient.connect({
          host: "127.0.0.1",
          port: this.o.tcpPort,
          ...CREDENTIALS,
          clientId: `127.0.0.1@${name}`,
          timeoutMs: this.o.requestTimeoutMs,
        }),
      );
      this.clients.add(client);
      if (!first) this.tcpReconnects += 1;
      return client;
    } catch (e) {
      this.o.ledger.error(`${name} connect`, e);
      await this.pause(100, 300);
      return undefined;
    }
  }

  private drop(client: TcpClient | undefined): void {
    if (client) {
      client.close();
      this.clients.delete(client);
    }
  }

  /**
   * Runs `step` over a connected TCP client for as long as `running()` holds, replacing the client
   * whenever its connection closed (a bridge restart closes every connection).
   */
  private async overTcp(
    name: string,
    running: () => boolean,
    step: (client: TcpClient) => Promise<void>,
  ): Promise<void> {
    let client: TcpClient | undefined;
    let connected = false;
    while (running()) {
      if (client && !client.closed) {
        await step(client);
        continue;
      }
      this.drop(client);
      client = await this.connect(name, !connected);
      if (client) connected = true;
    }
    this.drop(client);
  }

  private tcpProducer(name: string): Promise<void> {
    return this.overTcp(
      name,
      () => this.producing,
      (client) => this.tcpSend(name, client),
    );
  }

  private async tcpSend(name: string, client: TcpClient): Promise<void> {
    const { ledger, random, queues } = this.o;
    const queue = random.pick(queues);
    const single = random.next() < 0.5;
    const bodies = Array.from({ length: single ? 1 : random.int(2, 16) }, () =>
      ledger.newBody(name),
    );
    ledger.sending(bodies);
    try {
      const ids = single
        ? [await ledger.timed(client.send(queue, bodies[0] ?? ""))]
        : await ledger.timed(client.batchSend(queue, bodies));
      ledger.acked(bodies, ids);
      ledger.ok(name);
      await this.pause(5, 40);
    } catch (e) {
      ledger.unknown(
        bodies,
        e instanceof TcpRequestError ? "after a TCP error reply" : "after no TCP reply",
      );
      ledger.error(`${name} ${single ? "send" : "batchSend"}`, e);
      await this.pause(100, 300);
    }
  }

  private async httpConsumer(name: string): Promise<void> {
    const calls = httpConsumerCalls(this.http(), this.o.waitSeconds);
    while (this.consuming) await this.consumeOnce(name, calls);
  }

  private tcpConsumer(name: string): Promise<void> {
    return this.overTcp(
      name,
      () => this.consuming,
      (client) => this.consumeOnce(name, tcpConsumerCalls(client, this.o.waitSeconds)),
    );
  }

  /** One receive, then a delete of all it delivered; every outcome goes to the ledger. */
  private async consumeOnce<Handle>(name: string, calls: ConsumerCalls<Handle>): Promise<void> {
    const { ledger, random, queues } = this.o;
    const queue = random.pick(queues);
    const issuedAt = performance.now();
    let received: Delivery<Handle>[];
    try {
      received = await ledger.timed(calls.receive(queue));
      ledger.ok(name);
    } catch (e) {
      ledger.error(`${name} ${calls.receiveName}`, e);
      await this.pause(100, 300);
      return;
    }
    if (received.length === 0) return;
    // Ledger keys of the bodies the test sent (a body never sent has none).
    const keyByHandle = new Map<Handle, string>();
    for (const m of received) {
      const key = ledger.delivered(m.body, m.msgId, issuedAt);
      if (key !== undefined) keyByHandle.set(m.handle, key);
    }
    await this.deleteReceived(name, calls, queue, received, keyByHandle);
  }

  /** Deletes a received batch; only the deletes the service confirmed count in the ledger. */
  private async deleteReceived<Handle>(
    name: string,
    calls: ConsumerCalls<Handle>,
    queue: string,
    received: readonly Delivery<Handle>[],
    keyByHandle: ReadonlyMap<Handle, string>,
  ): Promise<void> {
    const { ledger } = this.o;
    const handles = received.map((m) => m.handle);
    try {
      const { failed, error } = await ledger.timed(calls.remove(queue, handles));
      if (error !== undefined) ledger.error(`${name} ${calls.deleteName}`, error);
      for (const m of received) {
        const key = keyByHandle.get(m.handle);
        if (key !== undefined && !failed.has(m.handle)) ledger.deleted(key, m.msgId);
      }
    } catch (e) {
      ledger.error(`${name} ${calls.deleteName}`, e);
      await this.pause(100, 300);
    }
  }
}

/** A received message in the terms both transports share. */
interface Delivery<Handle> {
  /** A string over HTTP, the exact bytes over TCP. */
  body: string | Uint8Array;
  msgId: string;
  handle: Handle;
}

/**
 * A consumer's receive and delete over one transport. HTTP and TCP name them differently, hand
 * out different receipt handles and report failed deletes differently; the ledger work is shared.
 */
interface ConsumerCalls<Handle> {
  receiveName: string;
  deleteName: string;
  receive(queue: string): Promise<Delivery<Handle>[]>;
  /** The handles whose delete failed, and what to record as the error when any did. */
  remove(
    queue: string,
    handles: Handle[],
  ): Promise<{ failed: ReadonlySet<Handle>; error?: string }>;
}

const fromHttp = (m: MsgInfo): Delivery<string> => ({
  body: m.msgBody,
  msgId: String(m.msgId),
  handle: String(m.receiptHandle),
});

const fromTcp = (m: PulledMessage): Delivery<bigint> => ({
  body: m.body,
  msgId: m.msgId.toString(),
  handle: m.receiptHandle,
});

function httpConsumerCalls(client: CmqHttpClient, waitSeconds: number): ConsumerCalls<string> {
  return {
    receiveName: "BatchReceiveMessage",
    deleteName: "BatchDeleteMessage",
    receive: async (queueName) =>
      (await client.batchReceiveMessage(queueName, 16, waitSeconds)).map(fromHttp),
    async remove(queueName, handles) {
      const reply = await client.call("BatchDeleteMessage", {
        queueName,
        ...indexed("receiptHandle", handles),
      });
      if (reply.code === 0) return { failed: new Set() };
      // Without a per-handle error list, none of the batch is known to be deleted.
      const list: unknown = reply.errorList;
      const failed = Array.isArray(list)
        ? list.map((f: { receiptHandle: unknown }) => String(f.receiptHandle))
        : handles;
      return { failed: new Set(failed), error: `code ${reply.code} ${reply.message}` };
    },
  };
}

function tcpConsumerCalls(client: TcpClient, waitSeconds: number): ConsumerCalls<bigint> {
  return {
    receiveName: "batchPull",
    deleteName: "batchDelete",
    receive: async (queue) => (await client.batchPull(queue, 16, waitSeconds)).map(fromTcp),
    async remove(queue, handles) {
      const failures = await client.batchDelete(queue, handles);
      const failed = new Set(failures.map((f) => f.receiptHandle));
      if (failures.length === 0) return { failed };
      return { failed, error: `${failures.length} failed: ${failures[0]?.message}` };
    },
  };
}

/**
 * Waits until every client in `names` has had a request succeed, a send has been acknowledged and
 * a delete has succeeded, all after now: the clients recovered. Returns how long that took.
 */
export async function recovered(
  ledger: Ledger,
  names: readonly string[],
  what: string,
  ms = 30_000,
): Promise<number> {
  const started = performance.now();
  const { sendsAcked, deletes } = ledger.snapshot();
  const pending = () => names.filter((n) => (ledger.lastOk.get(n) ?? 0) <= started);
  while (
    ledger.counters.sendsAcked === sendsAcked ||
    ledger.counters.deletes === deletes ||
    pending().length > 0
  ) {
    if (performance.now() - started > ms)
      throw new Error(
        `no recovery ${what} within ${ms} ms (still failing: ${pending().join(", ")})`,
      );
    await sleep(50);
  }
  return Math.round(performance.now() - started);
}

/** Messages a queue still holds: visible, in flight (received, not deleted) and delayed. */
export async function depth(client: CmqHttpClient, queueName: string): Promise<number> {
  const a = await client.ok("GetQueueAttributes", { queueName });
  return Number(a.activeMsgNum ?? 0) + Number(a.inactiveMsgNum ?? 0) + Number(a.delayMsgNum ?? 0);
}

/**
 * Waits (consumers running) until every queue is empty twice in a row, a visibility timeout
 * apart; returns how long that took.
 */
export async function drain(
  client: CmqHttpClient,
  queues: readonly string[],
  visibilitySeconds: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let emptySince: number | undefined;
  let last = "";
  while (Date.now() - started < timeoutMs) {
    try {
      const depths = await Promise.all(queues.map((q) => depth(client, q)));
      last = depths.join(", ");
      if (depths.every((d) => d === 0)) {
        emptySince ??= Date.now();
        if (Date.now() - emptySince >= visibilitySeconds * 1000) return Date.now() - started;
      } else emptySince = undefined;
    } catch {
      emptySince = undefined;
    }
    await sleep(500);
  }
  throw new Error(`queues not drained after ${timeoutMs} ms (depths ${last})`);
}
