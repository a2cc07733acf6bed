/**
 * Forwards decoded TCP requests to the Worker. Sends and publishes for the same queue or topic are
 * coalesced into one batch-shaped object call (group commit); so are a queue's deletes and pulls of
 * what is there now, fused into one consume call that deletes, then takes. Each frame still gets
 * its own result. A pull that must wait parks on its own.
 */

import { randomUUID } from "node:crypto";
import type { PublishCall, SendCall } from "../../src/contract/bridge-calls";
import type { BridgeMessage } from "../../src/contract/bridge-results";
import { Batcher, type BatcherOptions } from "../../src/domain/group-commit";
import { MAX_COALESCED_DELETE, MAX_COALESCED_RECEIVE } from "../../src/domain/limits";
import type { Outcome } from "../../src/domain/outcome";
import type { WorkerChannel } from "./worker-channel";

/** A pull frame's share of a coalesced receive. */
interface PullItem {
  queue: string;
  max: number;
  visibilityTimeoutSeconds?: number;
}

/** A frame's part of a fused consume call: handles to delete, or messages to take. */
type ConsumeItem =
  | { kind: "delete"; queue: string; handles: string[] }
  | ({ kind: "pull" } & PullItem);
type ConsumeResult = Outcome<Outcome<null>[]> | Outcome<BridgeMessage[]>;

/**
 * One call carries at most MAX_COALESCED_DELETE handles and MAX_COALESCED_RECEIVE messages: a
 * pulled message weighs as much as this many handles, against a weight of MAX_COALESCED_DELETE.
 */
const PULL_WEIGHT = MAX_COALESCED_DELETE / MAX_COALESCED_RECEIVE;

/** A call takes one visibility timeout: a pull asking another one waits for the next call. */
function joinsConsume(batch: readonly ConsumeItem[], item: ConsumeItem): boolean {
  if (item.kind !== "pull") return true;
  const pull = batch.find((i) => i.kind === "pull");
  return pull?.kind !== "pull" || pull.visibilityTimeoutSeconds === item.visibilityTimeoutSeconds;
}

/** Splits a consume call's answer into each frame's part, in order. */
function consumeShares(
  items: readonly ConsumeItem[],
  outcome: Outcome<{ deleted: Outcome<null>[]; messages: BridgeMessage[] }>,
): ConsumeResult[] {
  if (!outcome.ok) return items.map(() => outcome);
  let deleted = 0;
  let taken = 0;
  return items.map((item) => {
    if (item.kind === "delete") {
      const mine = outcome.value.deleted.slice(deleted, deleted + item.handles.length);
      deleted += item.handles.length;
      return { ok: true, value: mine };
    }
    const mine = outcome.value.messages.slice(taken, taken + item.max);
    taken += mine.length;
    return { ok: true, value: mine };
  });
}

type SendGroup = SendCall["groups"][number];
type PublishGroup = PublishCall["groups"][number];
type Failed = {
  ok: false;
  error: NonNullable<Extract<Outcome<unknown>, { ok: false }>["error"]>;
};

const keyOf = (appId: string, name: string) => `${appId}\u0000${name.toLowerCase()}`;
const split = (key: string) => key.split("\u0000") as [string, string];

/** Bodies' size (UTF-16 units, close enough for a cap on a call's size). */
function weight(item: { bodies: string[] }): number {
  return item.bodies.reduce((n, b) => n + b.length, 0);
}

/** A whole-call failure answers every item of the batch with it. */
function fanOut<T>(outcome: Outcome<T[]>, count: number): (T | Failed)[] {
  if (outcome.ok) return outcome.value;
  return Array.from({ length: count }, () => outcome);
}

export class Forwarder {
  readonly sends: Batcher<SendGroup & { queue: string }, Outcome<string[]>>;
  readonly publishes: Batcher<PublishGroup & { topic: string }, Outcome<string[]>>;
  /** Deletes and pulls without a wait, fused per queue: one consume call deletes, then takes. */
  readonly consumes: Batcher<ConsumeItem, ConsumeResult>;

  constructor(
    private readonly channel: WorkerChannel,
    options: BatcherOptions,
  ) {
    this.sends = new Batcher(
      options,
      async (key, items) => {
        const [appId] = split(key);
        const queue = items[0]?.queue ?? "";
        const groups = items.map(({ queue: _queue, ...group }) => group);
        return fanOut(await channel.call({ op: "send", appId, queue, groups }), items.length);
      },
      (item) => weight(item),
    );
    this.publishes = new Batcher(
      options,
      async (key, items) => {
        const [appId] = split(key);
        const topic = items[0]?.topic ?? "";
        const groups = items.map(({ bodies, tags, routingKey }) => ({ bodies, tags, routingKey }));
        return fanOut(await channel.call({ op: "publish", appId, topic, groups }), items.length);
      },
      (item) => weight(item),
    );
    this.consumes = new Batcher(
      { ...options, maxItems: MAX_COALESCED_DELETE, maxWeight: MAX_COALESCED_DELETE },
      async (key, items) => {
        const [appId] = split(key);
        const pulls = items.filter((i) => i.kind === "pull");
        const outcome = await channel.call({
          op: "consume",
          appId,
          queue: items[0]?.queue ?? "",
          handles: items.flatMap((i) => (i.kind === "delete" ? i.handles : [])),
          max: pulls.reduce((n, i) => n + i.max, 0),
          visibilityTimeoutSeconds: pulls[0]?.visibilityTimeoutSeconds,
        });
        return consumeShares(items, outcome);
      },
      (item) => (item.kind === "delete" ? item.handles.length : item.max * PULL_WEIGHT),
      joinsConsume,
    );
  }

  /** Takes up to `max` messages there now, in a call shared with other frames' pulls and deletes. */
  pullNow(appId: string, queue: string, request: Omit<PullItem, "queue">) {
    const item: ConsumeItem = { kind: "pull", queue, ...request };
    return this.consumes.submit(keyOf(appId, queue), item) as Promise<Outcome<BridgeMessage[]>>;
  }

  auth(secretId: string, clientId: string, signature: string, signatureMethod: string) {
    return this.channel.call({ op: "auth", secretId, clientId, signature, signatureMethod });
  }

  send(appId: string, queue: string, group: SendGroup) {
    return this.sends.submit(keyOf(appId, queue), { queue, ...group });
  }

  publish(appId: string, topic: string, group: PublishGroup) {
    return this.publishes.submit(keyOf(appId, topic), { topic, ...group });
  }

  /** One outcome per handle, or the whole call's failure (a missing queue fails the request). */
  delete(appId: string, queue: string, handles: string[]) {
    const item: ConsumeItem = { kind: "delete", queue, handles };
    return this.consumes.submit(keyOf(appId, queue), item) as Promise<Outcome<Outcome<null>[]>>;
  }

  confirm(appId: string, queue: string, items: { msgId: string; state: number }[]) {
    return this.channel.call({ op: "confirm", appId, queue, items });
  }

  transactionQueries(appId: string, queue: string, producer: string, limit: number) {
    return this.channel.call({ op: "transactionQueries", appId, queue, producer, limit });
  }

  /**
   * A pull that may park in a long poll goes on its own. When `signal` aborts (its connection
   * closed) the Worker is told to end the wait, and the call returns whatever it took by then,
   * for `returnUnread` — never cut off mid-answer, which would lose messages already taken.
   */
  async receive(
    appId: string,
    queue: string,
    request: { max: number; waitSeconds?: number; visibilityTimeoutSeconds?: number },
    signal: AbortSignal,
  ): Promise<Outcome<BridgeMessage[]>> {
    const waiter = randomUUID();
    const cancel = () => {
      this.channel.call({ op: "cancelReceive", appId, queue, waiter }).catch(() => {
        // The wait then runs out by itself; what it takes still goes back unread.
      });
    };
    signal.addEventListener("abort", cancel, { once: true });
    try {
      return await this.channel.call({ op: "receive", appId, queue, ...request, waiter });
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  /** Gives back what pulls took for a client that is gone, so it is not hidden or counted. */
  async returnUnread(appId: string, queue: string, messages: BridgeMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const handles = messages.map((m) => m.receiptHandle);
    await this.channel.call({ op: "returnUnread", appId, queue, handles });
  }
}
