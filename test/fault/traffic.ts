/**
 * Producers and consumers for the fault tests, over HTTP (CmqHttpClient) and TCP (TcpClient through
 * the bridge), all writing to one Ledger. Every request has a timeout; any failure is recorded and
 * retried after a short pause, and a TCP client whose connection closed is replaced by a new one.
 */
import { type CmqHttpClient, indexed } from "../../tcp-bridge/src/client/http-client";
import { TcpClient, TcpRequestError } from "../../tcp-bridge/src/client/tcp-client";
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

  private drop(client: TcpClient | undefined): undefined {
    if (client) {
      client.close();
      this.clients.delete(client);
    }
    return undefined;
  }

  private async tcpProducer(name: string): Promise<void> {
    const { ledger, random, queues } = this.o;
    let client: TcpClient | undefined;
    let connected = false;
    while (this.producing) {
      if (!client || client.closed) {
        client = this.drop(client);
        client = await this.connect(name, !connected);
        if (client) connected = true;
        continue;
      }
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
    this.drop(client);
  }

  private async httpConsumer(name: string): Promise<void> {
    const { ledger, random, queues, waitSeconds } = this.o;
    const client = this.http();
    while (this.consuming) {
      const queueName = random.pick(queues);
      const issuedAt = performance.now();
      let received: Awaited<ReturnType<CmqHttpClient["batchReceiveMessage"]>>;
      try {
        received = await ledger.timed(client.batchReceiveMessage(queueName, 16, waitSeconds));
        ledger.ok(name);
      } catch (e) {
        ledger.error(`${name} BatchReceiveMessage`, e);
        await this.pause(100, 300);
        continue;
      }
      if (received.length === 0) continue;
      const byHandle = new Map<string, { key: string; msgId: string }>();
      for (const m of received) {
        const key = ledger.delivered(m.msgBody, String(m.msgId), issuedAt);
        if (key !== undefined)
          byHandle.set(String(m.receiptHandle), { key, msgId: String(m.msgId) });
      }
      const handles = received.map((m) => String(m.receiptHandle));
      try {
        const reply = await ledger.timed(
          client.call("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", handles) }),
        );
        let failed = new Set<string>();
        if (reply.code !== 0) {
          ledger.error(`${name} BatchDeleteMessage`, `code ${reply.code} ${reply.message}`);
          const list: unknown = reply.errorList;
          failed = new Set(
            Array.isArray(list)
              ? list.map((f: { receiptHandle: unknown }) => String(f.receiptHandle))
              : handles,
          );
        }
        for (const h of handles) {
          const m = byHandle.get(h);
          if (m && !failed.has(h)) ledger.deleted(m.key, m.msgId);
        }
      } catch (e) {
        ledger.error(`${name} BatchDeleteMessage`, e);
        await this.pause(100, 300);
      }
    }
  }

  private async tcpConsumer(name: string): Promise<void> {
    const { ledger, random, queues, waitSeconds } = this.o;
    let client: TcpClient | undefined;
    let connected = false;
    while (this.consuming) {
      if (!client || client.closed) {
        client = this.drop(client);
        client = await this.connect(name, !connected);
        if (client) connected = true;
        continue;
      }
      const queue = random.pick(queues);
      const issuedAt = performance.now();
      let pulled: Awaited<ReturnType<TcpClient["batchPull"]>>;
      try {
        pulled = await ledger.timed(client.batchPull(queue, 16, waitSeconds));
        ledger.ok(name);
      } catch (e) {
        ledger.error(`${name} batchPull`, e);
        await this.pause(100, 300);
        continue;
      }
      if (pulled.length === 0) continue;
      const byHandle = new Map<bigint, { key: string; msgId: string }>();
      for (const m of pulled) {
        const key = ledger.delivered(m.body, m.msgId.toString(), issuedAt);
        if (key !== undefined) byHandle.set(m.receiptHandle, { key, msgId: m.msgId.toString() });
      }
      const handles = pulled.map((m) => m.receiptHandle);
      try {
        const failures = await ledger.timed(client.batchDelete(queue, handles));
        if (failures.length > 0)
          ledger.error(`${name} batchDelete`, `${failures.length} failed: ${failures[0]?.message}`);
        const failed = new Set(failures.map((f) => f.receiptHandle));
        for (const h of handles) {
          const m = byHandle.get(h);
          if (m && !failed.has(h)) ledger.deleted(m.key, m.msgId);
        }
      } catch (e) {
        ledger.error(`${name} batchDelete`, e);
        await this.pause(100, 300);
      }
    }
    this.drop(client);
  }
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
