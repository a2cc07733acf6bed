/**
 * Forwards decoded TCP requests to the Worker. Sends, publishes, deletes and pulls of what is
 * there now for the same queue or topic are coalesced into one batch-shaped object call
 * (Batcher); each frame still gets its own result. A pull that must wait parks on its own.
 */

import { randomUUID } from "node:crypto";
import type { PublishCall, SendCall } from "../../src/contract/bridge-calls";
import type { BridgeMessage } from "../../src/contract/bridge-results";
import { Batcher, type BatcherOptions } from "../../src/domain/group-commit";
import { MAX_COALESCED_RECEIVE } from "../../src/domain/limits";
import type { Outcome } from "../../src/domain/outcome";
import type { WorkerChannel } from "./worker-channel";

/** A pull frame's share of a coalesced receive. */
interface PullItem {
  queue: string;
  max: number;
  visibilityTimeoutSeconds?: number;
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
  /**
   * One item per frame: its handles; the result is one outcome per handle, or the whole call's
   * failure (a missing queue fails the request, not each of its handles).
   */
  readonly deletes: Batcher<{ queue: string; handles: string[] }, Outcome<Outcome<null>[]>>;
  /** Pulls without a wait, by queue and visibility timeout; each frame gets its `max` at most. */
  readonly pulls: Batcher<PullItem, Outcome<BridgeMessage[]>>;

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
    this.deletes = new Batcher(options, async (key, items): Promise<Outcome<Outcome<null>[]>[]> => {
      const [appId] = split(key);
      const queue = items[0]?.queue ?? "";
      const outcome = await channel.call({
        op: "delete",
        appId,
        queue,
        handles: items.flatMap((i) => i.handles),
      });
      if (!outcome.ok) return items.map(() => outcome);
      let offset = 0;
      return items.map((i) => {
        const mine = outcome.value.slice(offset, offset + i.handles.length);
        offset += i.handles.length;
        return { ok: true, value: mine };
      });
    });
    this.pulls = new Batcher(
      { ...options, maxItems: MAX_COALESCED_RECEIVE, maxWeight: MAX_COALESCED_RECEIVE },
      async (key, items): Promise<Outcome<BridgeMessage[]>[]> => {
        const [appId] = split(key);
        const first = items[0];
        const outcome = await channel.call({
          op: "receive",
          appId,
          queue: first?.queue ?? "",
          max: items.reduce((n, i) => n + i.max, 0),
          waitSeconds: 0,
          visibilityTimeoutSeconds: first?.visibilityTimeoutSeconds,
        });
        if (!outcome.ok) return items.map(() => outcome);
        let offset = 0;
        return items.map((i) => {
          const mine = outcome.value.slice(offset, offset + i.max);
          offset += mine.length;
          return { ok: true, value: mine };
        });
      },
      (item) => item.max,
    );
  }

  /** Takes up to `max` messages there now, in a call shared with other frames' pulls. */
  pullNow(appId: string, queue: string, request: Omit<PullItem, "queue">) {
    const key = `${keyOf(appId, queue)}\u0000${request.visibilityTimeoutSeconds ?? ""}`;
    return this.pulls.submit(key, { queue, ...request });
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

  delete(appId: string, queue: string, handles: string[]) {
    return this.deletes.submit(keyOf(appId, queue), { queue, handles });
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
