/**
 * Forwards decoded TCP requests to the Worker. Sends, publishes and deletes for the same queue or
 * topic are coalesced into one batch-shaped object call (Batcher); each frame still gets its own
 * result. Pulls go one by one: each may park in a long poll.
 */
import type {
  BridgeMessage,
  BridgeOutcome,
  PublishCall,
  SendCall,
} from "../../src/http/internal/bridge-protocol";
import { Batcher, type BatcherOptions } from "./batcher";
import type { WorkerChannel } from "./worker-channel";

type SendGroup = SendCall["groups"][number];
type PublishGroup = PublishCall["groups"][number];
type Failed = {
  ok: false;
  error: NonNullable<Extract<BridgeOutcome<unknown>, { ok: false }>["error"]>;
};

const keyOf = (appId: string, name: string) => `${appId}\u0000${name.toLowerCase()}`;
const split = (key: string) => key.split("\u0000") as [string, string];

/** Bodies' size (UTF-16 units, close enough for a cap on a call's size). */
function weight(item: { bodies: string[] }): number {
  return item.bodies.reduce((n, b) => n + b.length, 0);
}

/** A whole-call failure answers every item of the batch with it. */
function fanOut<T>(outcome: BridgeOutcome<T[]>, count: number): (T | Failed)[] {
  if (outcome.ok) return outcome.value;
  return Array.from({ length: count }, () => outcome);
}

export class Forwarder {
  readonly sends: Batcher<SendGroup & { queue: string }, BridgeOutcome<string[]>>;
  readonly publishes: Batcher<PublishGroup & { topic: string }, BridgeOutcome<string[]>>;
  /** One item per frame: its handles; the result is one outcome per handle. */
  readonly deletes: Batcher<{ queue: string; handles: string[] }, BridgeOutcome<null>[]>;

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
    this.deletes = new Batcher(options, async (key, items) => {
      const [appId] = split(key);
      const queue = items[0]?.queue ?? "";
      const outcome = await channel.call({
        op: "delete",
        appId,
        queue,
        handles: items.flatMap((i) => i.handles),
      });
      const results = fanOut(
        outcome,
        items.reduce((n, i) => n + i.handles.length, 0),
      );
      let offset = 0;
      return items.map((i) => {
        const mine = results.slice(offset, offset + i.handles.length);
        offset += i.handles.length;
        return mine;
      });
    });
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

  /** A pull goes on its own: it may park in a long poll. Aborted when its connection closes. */
  receive(
    appId: string,
    queue: string,
    request: { max: number; waitSeconds?: number; visibilityTimeoutSeconds?: number },
    signal?: AbortSignal,
  ): Promise<BridgeOutcome<BridgeMessage[]>> {
    return this.channel.call({ op: "receive", appId, queue, ...request }, signal);
  }
}
