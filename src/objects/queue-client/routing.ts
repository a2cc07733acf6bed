/**
 * How the queue client finds a queue's objects: the shard count it has learnt (lazily: a caller
 * assumes 1 until an object answers `shardsChanged` with the real count, refusing before it changes
 * anything), the stubs, and the ways a call is routed — with the believed count (again while it
 * proves stale), item by item to each item's shard, or to every shard.
 * @module
 */
import type { CmqErrorData } from "../../domain/errors";
import { queueObjectName, queueShardName } from "../../domain/object-names";
import type { Outcome } from "../../domain/outcome";
import type { DeleteItemResult } from "../../domain/queue/delete";
import type { QueueCall, QueueView } from "../../domain/queue/queue-store";
import type { ReceivedMessage } from "../../domain/queue/receive";
import type { SendGroup } from "../../domain/queue/send";
import {
  type Failed,
  foldShardAnswers,
  groupByShard,
  mergeViews,
} from "../../domain/queue/sharding";
import type { QueueObject, ReceiveCall } from "../queue-object";
import type { Receiver } from "../receiver";
import { coalescedDelete, coalescedReceiveNow, coalescedSend } from "./coalescing";

export type QueueStub = DurableObjectStub<QueueObject>;

/** Shard counts this isolate has learnt, by queue object name. Absent: 1, most queues. */
const knownShards = new Map<string, number>();
const MAX_KNOWN = 10_000;
/** Where the next round-robin send and receive sweep start. */
let rotation = 0;
/** A count can only go stale once per change of the queue; more retries would loop. */
const ATTEMPTS = 3;

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export class ShardRouting {
  private readonly object: string;

  constructor(
    private readonly env: Env,
    appId: string,
    name: string,
    /** The request served, when there is one: its calls may be shared with its neighbours'. */
    readonly receiver?: Receiver,
  ) {
    this.object = queueObjectName(appId, name);
  }

  stub(shard: number): QueueStub {
    return this.env.QUEUE.get(this.env.QUEUE.idFromName(queueShardName(this.object, shard)));
  }

  /**
   * Whether a call may share its object call with concurrent requests' (coalescing.ts): one made
   * for a request, carrying no stamp to record (every message operation).
   */
  private coalesces(call: QueueCall): boolean {
    return (
      this.receiver !== undefined && call.stamp === undefined && this.env.CMQ_COALESCE !== "off"
    );
  }

  private part(shard: number, call: QueueCall) {
    return { stub: this.stub(shard), call, keepAlive: this.receiver?.waitUntil };
  }

  sendTo(shard: number, call: QueueCall, groups: SendGroup[]) {
    if (!this.coalesces(call)) return this.stub(shard).send(call, groups);
    return coalescedSend(queueShardName(this.object, shard), { ...this.part(shard, call), groups });
  }

  deleteFrom(
    shard: number,
    call: QueueCall,
    handles: bigint[],
  ): Promise<Outcome<DeleteItemResult[]>> {
    if (!this.coalesces(call)) return this.stub(shard).delete(call, handles);
    const part = { ...this.part(shard, call), handles };
    return coalescedDelete(queueShardName(this.object, shard), part);
  }

  /** What the shard has now, up to `request.max`, never waiting. */
  receiveNowFrom(
    shard: number,
    call: QueueCall,
    request: ReceiveCall,
  ): Promise<Outcome<ReceivedMessage[]>> {
    const now = { ...request, waitSeconds: 0 };
    if (!this.coalesces(call)) return this.stub(shard).receive(call, now);
    const part = { ...this.part(shard, call), request: now };
    return coalescedReceiveNow(queueShardName(this.object, shard), part);
  }

  /** The count believed now. */
  get shards(): number {
    return knownShards.get(this.object) ?? 1;
  }

  /** A rotating start, so round-robin sends and receive sweeps spread over the shards. */
  nextRotation(): number {
    return rotation++;
  }

  learn(shards: number): void {
    if (shards === 1) knownShards.delete(this.object);
    else {
      if (knownShards.size >= MAX_KNOWN) knownShards.clear();
      knownShards.set(this.object, shards);
    }
  }

  /** Whether `error` says the count `shards` was stale; if so, what is now believed is updated. */
  private stale(error: CmqErrorData, shards: number): boolean {
    if (error.kind === "shardsChanged") {
      this.learn(error.shards);
      return true;
    }
    // A shard beyond shard 0 is gone: the queue was re-created with fewer. Ask shard 0 again.
    if (error.kind === "queueNotFound" && shards > 1) {
      this.learn(1);
      return true;
    }
    return false;
  }

  /** The call as one shard sees it: with the count, and with the stamp only where it is kept. */
  call(call: QueueCall, shards: number, withStamp: boolean): QueueCall {
    return withStamp ? { ...call, shards } : { queue: call.queue, shards };
  }

  /** Runs `op` with the believed count, again while the count proves stale. */
  async routed<T>(op: (shards: number) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const shards = this.shards;
      const outcome = await op(shards);
      if (outcome.ok || attempt >= ATTEMPTS || !this.stale(outcome.error, shards)) return outcome;
    }
  }

  /**
   * Sends each item to its shard, in parallel, and folds the answers back into item order. Items
   * of a shard that answered with a stale count are routed again; the others are never re-sent.
   */
  async scatter<I, R>(
    items: readonly I[],
    route: (item: I, shards: number) => number,
    send: (shard: number, shards: number, items: I[]) => Promise<Outcome<R[]>>,
  ): Promise<Outcome<(R | Failed)[]>> {
    const done: { items: number[]; outcome: Outcome<R[]> }[] = [];
    let pending = items.map((_, i) => i);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const shards = this.shards;
      const groups = groupByShard(pending.map((i) => route(items[i] as I, shards)));
      const answers = await Promise.all(
        [...groups].map(async ([shard, positions]) => {
          const indexes = positions.map((p) => pending[p] as number);
          const outcome = await send(
            shard,
            shards,
            indexes.map((i) => items[i] as I),
          );
          return { shard, items: indexes, outcome };
        }),
      );
      pending = [];
      for (const answer of answers) {
        const retry =
          !answer.outcome.ok && attempt < ATTEMPTS && this.stale(answer.outcome.error, shards);
        if (retry) pending.push(...answer.items);
        else done.push(answer);
      }
    }
    return foldShardAnswers(items.length, done);
  }

  /** Runs `op` on shard 0, then on the others in parallel; the first failure wins. */
  async everyShard<T>(
    shards: number,
    op: (shard: number) => Promise<Outcome<T>>,
  ): Promise<Outcome<T[]>> {
    const first = await op(0);
    if (!first.ok) return first;
    const rest = await Promise.all(Array.from({ length: shards - 1 }, (_, i) => op(i + 1)));
    const failed = rest.find((o) => !o.ok);
    if (failed && !failed.ok) return failed;
    return ok([first.value, ...rest.map((o) => (o.ok ? o.value : first.value))]);
  }

  /** Runs `op` on every shard (shard 0 first, with the stamp) and returns the queue's view. */
  async viewEvery(
    call: QueueCall,
    op: (stub: QueueStub, call: QueueCall, shards: number) => Promise<Outcome<QueueView>>,
  ): Promise<Outcome<QueueView>> {
    return this.routed(async (shards) => {
      const views = await this.everyShard(shards, (shard) =>
        op(this.stub(shard), this.call(call, shards, shard === 0), shards),
      );
      return views.ok ? ok(mergeViews(views.value)) : views;
    });
  }
}
