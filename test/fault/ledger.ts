/**
 * The client-side ledger of the fault tests: every body sent (each unique, sent exactly once), what
 * the reply said, every delivery and every delete that succeeded. A send counts as acknowledged
 * only on a success reply, a delete only on a success reply; anything else (error reply, timeout,
 * closed connection) leaves the outcome unknown, which is never held against the service.
 */

export type SendState = "pending" | "acked" | "unknown";

interface Message {
  body: string;
  bytes: Buffer;
  state: SendState;
  /** Round in which the send was answered. */
  round: number;
  msgId?: string;
  /** Why the outcome is unknown: no reply at all, or an error reply. */
  unknownWhy?: string;
  deliveries: number;
  /** performance.now() when a delete of it was answered with success. */
  deletedAt?: number;
  deletedMsgId?: string;
}

export interface Counters {
  sendsAcked: number;
  sendsUnknown: number;
  deliveries: number;
  deletes: number;
  errors: number;
}

export interface Violation {
  kind: "lost" | "duplicated-after-delete" | "corrupt" | "unexpected";
  key: string;
  round: number;
  detail: string;
}

const decoder = new TextDecoder();

/** Deterministic PRNG (mulberry32), so a failing run can be repeated with its seed. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

/** Characters a body is made of: URL- and form-significant ASCII, 2-, 3- and 4-byte UTF-8. */
const ALPHABET = [..."abcXYZ0189 &=+%/?#:;,.'\"<>{}[]~_-\\", "é", "ß", "€", "中", "文", "𝄞", "😀"];

export class Ledger {
  round = 0;
  readonly counters: Counters = {
    sendsAcked: 0,
    sendsUnknown: 0,
    deliveries: 0,
    deletes: 0,
    errors: 0,
  };
  readonly violations: Violation[] = [];
  /** Deliveries whose msgId differs from the one the send was answered with. */
  foreignMsgIds = 0;
  private readonly messages = new Map<string, Message>();
  private readonly errorKinds = new Map<string, number>();
  private sequence = 0;
  /** Longest any single request took, in ms: proof that no client hung. */
  maxLatencyMs = 0;
  /** performance.now() of each client's last successful request. */
  readonly lastOk = new Map<string, number>();

  constructor(private readonly random: Random) {}

  /** A new unique body: `key|payload`, the payload of random length and characters. */
  newBody(producer: string): string {
    this.sequence += 1;
    const key = `${producer}-${this.sequence}`;
    const length = this.random.int(0, 160);
    let payload = "";
    for (let i = 0; i < length; i++) payload += this.random.pick(ALPHABET);
    return `${key}|${payload}`;
  }

  /** Registers bodies about to be sent, before the request leaves (a consumer may be faster). */
  sending(bodies: readonly string[]): void {
    for (const body of bodies) {
      const key = keyOf(body);
      if (this.messages.has(key)) throw new Error(`body ${key} sent twice by the test`);
      this.messages.set(key, {
        body,
        bytes: Buffer.from(body, "utf8"),
        state: "pending",
        round: this.round,
        deliveries: 0,
      });
    }
  }

  acked(bodies: readonly string[], msgIds: readonly (string | bigint)[]): void {
    if (msgIds.length !== bodies.length)
      throw new Error(`${bodies.length} bodies sent, ${msgIds.length} msgIds answered`);
    bodies.forEach((body, i) => {
      const m = this.get(body);
      m.state = "acked";
      m.round = this.round;
      m.msgId = String(msgIds[i]);
      this.counters.sendsAcked += 1;
    });
  }

  unknown(bodies: readonly string[], why: string): void {
    for (const body of bodies) {
      const m = this.get(body);
      m.state = "unknown";
      m.unknownWhy = why;
      m.round = this.round;
      this.counters.sendsUnknown += 1;
    }
  }

  /**
   * A delivery of `raw` (a string over HTTP, the exact bytes over TCP) by a receive issued at
   * `issuedAt` (performance.now()); returns the body's key, or undefined for a body never sent.
   */
  delivered(raw: string | Uint8Array, msgId: string, issuedAt: number): string | undefined {
    const text = typeof raw === "string" ? raw : decoder.decode(raw);
    const key = keyOf(text);
    const m = this.messages.get(key);
    this.counters.deliveries += 1;
    if (!m) {
      this.violate("unexpected", key, `a body never sent: ${JSON.stringify(text.slice(0, 60))}`);
      return undefined;
    }
    const same =
      typeof raw === "string"
        ? raw === m.body
        : m.bytes.equals(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    if (!same)
      this.violate("corrupt", key, `sent ${JSON.stringify(m.body)}, got ${JSON.stringify(text)}`);
    m.deliveries += 1;
    if (m.msgId !== undefined && m.msgId !== msgId) this.foreignMsgIds += 1;
    if (m.deletedAt !== undefined && m.deletedAt < issuedAt)
      this.violate(
        "duplicated-after-delete",
        key,
        `msgId ${msgId} delivered by a receive issued ${Math.round(issuedAt - m.deletedAt)} ms after ` +
          `a successful delete of msgId ${m.deletedMsgId}`,
      );
    return key;
  }

  /** A delete that the service answered with success. */
  deleted(key: string, msgId: string): void {
    const m = this.messages.get(key);
    if (!m) return;
    this.counters.deletes += 1;
    if (m.deletedAt === undefined) {
      m.deletedAt = performance.now();
      m.deletedMsgId = msgId;
    }
  }

  /** A client's request succeeded (a send, a receive, even an empty one, or a delete). */
  ok(client: string): void {
    this.lastOk.set(client, performance.now());
  }

  error(where: string, e: unknown): void {
    this.counters.errors += 1;
    const text = `${where}: ${e instanceof Error ? `${e.message}${causeOf(e)}` : String(e)}`
      .replace(/\d+/g, "N")
      .slice(0, 120);
    this.errorKinds.set(text, (this.errorKinds.get(text) ?? 0) + 1);
  }

  /** Runs one request, recording how long it took. */
  async timed<T>(request: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await request;
    } finally {
      this.maxLatencyMs = Math.max(this.maxLatencyMs, performance.now() - started);
    }
  }

  /** Acknowledged sends not delivered even once. */
  undelivered(): { key: string; round: number }[] {
    const out: { key: string; round: number }[] = [];
    for (const [key, m] of this.messages)
      if (m.state === "acked" && m.deliveries === 0) out.push({ key, round: m.round });
    return out;
  }

  /** Sends of unknown outcome that were stored after all (delivered at least once), by why. */
  unknownButStored(): string {
    const by = new Map<string, number>();
    for (const m of this.messages.values())
      if (m.state === "unknown" && m.deliveries > 0)
        by.set(m.unknownWhy ?? "?", (by.get(m.unknownWhy ?? "?") ?? 0) + 1);
    const total = [...by.values()].reduce((a, b) => a + b, 0);
    return by.size === 0
      ? "0"
      : `${total}: ${[...by.entries()].map(([why, n]) => `${n} ${why}`).join(", ")}`;
  }

  /** Deliveries beyond the first (at-least-once redeliveries after a crash or a failed delete). */
  redeliveries(): number {
    let n = 0;
    for (const m of this.messages.values()) n += Math.max(0, m.deliveries - 1);
    return n;
  }

  /** Acknowledged sends per round. */
  ackedByRound(): Map<number, number> {
    const out = new Map<number, number>();
    for (const m of this.messages.values())
      if (m.state === "acked") out.set(m.round, (out.get(m.round) ?? 0) + 1);
    return out;
  }

  topErrors(n = 6): string[] {
    return [...this.errorKinds.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([text, count]) => `${count}× ${text}`);
  }

  snapshot(): Counters {
    return { ...this.counters };
  }

  private get(body: string): Message {
    const m = this.messages.get(keyOf(body));
    if (!m) throw new Error(`unregistered body ${keyOf(body)}`);
    return m;
  }

  private violate(kind: Violation["kind"], key: string, detail: string): void {
    this.violations.push({ kind, key, round: this.round, detail });
  }
}

function keyOf(body: string): string {
  const bar = body.indexOf("|");
  return bar < 0 ? body.slice(0, 40) : body.slice(0, bar);
}

function causeOf(e: Error): string {
  const cause = (e as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

export function diff(after: Counters, before: Counters): Counters {
  return {
    sendsAcked: after.sendsAcked - before.sendsAcked,
    sendsUnknown: after.sendsUnknown - before.sendsUnknown,
    deliveries: after.deliveries - before.deliveries,
    deletes: after.deletes - before.deletes,
    errors: after.errors - before.errors,
  };
}
