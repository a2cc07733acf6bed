/**
 * A queue as callers see it: one name over `shards` QueueObjects (an attribute of cmq-edge's own,
 * fixed at CreateQueue, default 1). Every transport and the catalog reach queues through here,
 * with the same batch-shaped methods as the object itself.
 *
 * - Sends go to one shard per group: the request stamp picks it (so a replayed request meets the
 *   shard that remembers it), otherwise round robin. Ids and handles carry their shard
 *   (src/domain/ids.ts), so deletes, confirms and traces go straight to it.
 * - A receive sweeps the shards from a rotating start without waiting; when all are empty it
 *   parks on every shard at once (awaitVisible, which takes nothing), and sweeps again from the
 *   first that has a message, cancelling the others. No message is ever taken and then dropped.
 * - Order: each shard keeps its own order; across shards there is none.
 *
 * The shard count is learnt lazily: a caller assumes 1 until an object answers `shardsChanged`
 * with the real count, then routes again (the object refuses before changing anything).
 */
import type { CmqErrorData } from "../domain/errors";
import { queueObjectName, queueShardName } from "../domain/object-names";
import type { Outcome } from "../domain/outcome";
import type { HandOff } from "../domain/queue/dead-letter";
import type { DeleteItemResult } from "../domain/queue/delete";
import type { DeadLetterPolicy, QueueAttributes } from "../domain/queue/meta";
import type { NewQueue, QueueCall, QueueView } from "../domain/queue/queue-store";
import type { ReceivedMessage } from "../domain/queue/receive";
import type { SendGroup } from "../domain/queue/send";
import {
  type Failed,
  foldShardAnswers,
  groupByShard,
  mergeViews,
  shardOfHandle,
  shardOfMessageId,
} from "../domain/queue/sharding";
import type { TraceEntry } from "../domain/queue/trace";
import type { ConfirmResult } from "../domain/queue/transaction";
import type { QueueObject, ReceiveCall } from "./queue-object";
import type { Receiver } from "./receiver";

type QueueStub = DurableObjectStub<QueueObject>;

/** Shard counts this isolate has learnt, by queue object name. Absent: 1, most queues. */
const knownShards = new Map<string, number>();
const MAX_KNOWN = 10_000;
/** Where the next round-robin send and receive sweep start. */
let rotation = 0;
/** A count can only go stale once per change of the queue; more retries would loop. */
const ATTEMPTS = 3;

const NO_MESSAGE: Outcome<never> = { ok: false, error: { kind: "noMessage" } };

export class QueueShards {
  private readonly object: string;

  constructor(
    private readonly env: Env,
    appId: string,
    name: string,
  ) {
    this.object = queueObjectName(appId, name);
  }

  private stub(shard: number): QueueStub {
    return this.env.QUEUE.get(this.env.QUEUE.idFromName(queueShardName(this.object, shard)));
  }

  private get shards(): number {
    return knownShards.get(this.object) ?? 1;
  }

  private learn(shards: number): void {
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

  private call(call: QueueCall, shards: number, withStamp: boolean): QueueCall {
    return withStamp ? { ...call, shards } : { queue: call.queue, shards };
  }

  /** Runs `op` with the believed count, again while the count proves stale. */
  private async routed<T>(op: (shards: number) => Promise<Outcome<T>>): Promise<Outcome<T>> {
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
  private async scatter<I, R>(
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
  private async everyShard<T>(
    shards: number,
    op: (shard: number) => Promise<Outcome<T>>,
  ): Promise<Outcome<T[]>> {
    const first = await op(0);
    if (!first.ok) return first;
    const rest = await Promise.all(Array.from({ length: shards - 1 }, (_, i) => op(i + 1)));
    const failed = rest.find((o) => !o.ok);
    if (failed && !failed.ok) return failed;
    return { ok: true, value: [first.value, ...rest.map((o) => (o.ok ? o.value : first.value))] };
  }

  /** Runs `op` on every shard (shard 0 first, with the stamp) and returns the queue's view. */
  private async viewEvery(
    call: QueueCall,
    op: (stub: QueueStub, call: QueueCall, shards: number) => Promise<Outcome<QueueView>>,
  ): Promise<Outcome<QueueView>> {
    return this.routed(async (shards) => {
      const views = await this.everyShard(shards, (shard) =>
        op(this.stub(shard), this.call(call, shards, shard === 0), shards),
      );
      return views.ok ? { ok: true, value: mergeViews(views.value) } : views;
    });
  }

  // --- Messages -------------------------------------------------------------------------------

  async send(call: QueueCall, groups: SendGroup[]): Promise<Outcome<Outcome<bigint[]>[]>> {
    const stamp = call.stamp;
    return this.scatter(
      groups,
      (_, shards) => (stamp ? stamp.key % shards : rotation++ % shards),
      (shard, shards, part) => this.stub(shard).send(this.call(call, shards, true), part),
    );
  }

  async delete(call: QueueCall, handles: bigint[]): Promise<Outcome<DeleteItemResult[]>> {
    return this.scatter(handles, shardOfHandle, (shard, shards, part) =>
      this.stub(shard).delete(this.call(call, shards, true), part),
    );
  }

  /**
   * Receive is replay-safe: no stamp to record. Fails with noMessage when the wait ends empty.
   * With a `receiver`, a wait it abandons is cancelled on every shard, and messages taken for it
   * after it left go back unread (a vanished client must not hide or dead-letter messages).
   */
  async receive(
    call: QueueCall,
    request: ReceiveCall,
    receiver?: Receiver,
  ): Promise<Outcome<ReceivedMessage[]>> {
    if (!receiver) return this.receiveRouted(call, request);
    // The invocation must outlive a client that leaves, or the clean-up below never runs.
    let finished = () => {};
    receiver.waitUntil(new Promise<void>((resolve) => (finished = resolve)));
    const waiter = request.waiter ?? crypto.randomUUID();
    const cancel = () => receiver.waitUntil(this.cancelReceive(waiter));
    receiver.signal.addEventListener("abort", cancel, { once: true });
    try {
      const outcome = await this.receiveRouted(call, { ...request, waiter }, receiver.signal);
      if (!outcome.ok || !receiver.signal.aborted) return outcome;
      receiver.waitUntil(
        this.returnUnread(
          call,
          outcome.value.map((m) => m.receiptHandle),
        ),
      );
      return NO_MESSAGE;
    } finally {
      receiver.signal.removeEventListener("abort", cancel);
      finished();
    }
  }

  private receiveRouted(call: QueueCall, request: ReceiveCall, signal?: AbortSignal) {
    return this.routed((shards) =>
      shards === 1
        ? this.stub(0).receive(this.call(call, 1, false), request)
        : this.receiveSharded(call, request, shards, signal),
    );
  }

  /**
   * Ends receive `waiter` on every shard, parked now or arriving later: its receiver went away
   * (a bridge client's connection closed; an HTTP request's signal aborted).
   */
  async cancelReceive(waiter: string): Promise<void> {
    await Promise.all(
      Array.from({ length: this.shards }, (_, shard) => this.stub(shard).cancelWait(waiter)),
    );
  }

  /** Gives back messages taken for a receiver that left before its reply did. */
  async returnUnread(call: QueueCall, handles: bigint[]): Promise<Outcome<void>> {
    const outcome = await this.scatter(handles, shardOfHandle, async (shard, shards, part) => {
      const back = await this.stub(shard).returnUnread(this.call(call, shards, false), part);
      return back.ok ? ok(part.map(() => undefined)) : back;
    });
    return outcome.ok ? ok(undefined) : outcome;
  }

  private async receiveSharded(
    call: QueueCall,
    request: ReceiveCall,
    shards: number,
    signal?: AbortSignal,
  ): Promise<Outcome<ReceivedMessage[]>> {
    let start = rotation++ % shards;
    let deadline: number | undefined;
    for (;;) {
      if (signal?.aborted) return NO_MESSAGE;
      const swept = await this.sweep(call, request, shards, start);
      if (!swept.ok || swept.value.length > 0) return swept;
      const wait =
        deadline === undefined ? request.waitSeconds : Math.max(0, deadline - Date.now()) / 1000;
      if (wait === 0) return NO_MESSAGE;
      const woke = await this.awaitAny(call, shards, wait, request.waiter);
      if (!woke.ok) return woke;
      deadline ??= woke.value.deadline;
      if (woke.value.shard === null) return NO_MESSAGE;
      start = woke.value.shard;
    }
  }

  /** Takes what the shards have now, from `start` on, up to `request.max`; never waits. */
  private async sweep(
    call: QueueCall,
    request: ReceiveCall,
    shards: number,
    start: number,
  ): Promise<Outcome<ReceivedMessage[]>> {
    const taken: ReceivedMessage[] = [];
    for (let k = 0; k < shards && taken.length < request.max; k++) {
      const outcome = await this.stub((start + k) % shards).receive(
        this.call(call, shards, false),
        { ...request, max: request.max - taken.length, waitSeconds: 0 },
      );
      if (outcome.ok) taken.push(...outcome.value);
      // Messages already taken are answered whatever a later shard says.
      else if (outcome.error.kind !== "noMessage") return taken.length > 0 ? ok(taken) : outcome;
    }
    return ok(taken);
  }

  /**
   * Parks on every shard until one has a visible message (its index), or the wait ends (null);
   * then cancels the others' waits so they free their slots.
   */
  private async awaitAny(
    call: QueueCall,
    shards: number,
    waitSeconds: number | undefined,
    waiter?: string,
  ): Promise<Outcome<{ shard: number | null; deadline: number }>> {
    // A name per round, for cancelling the other shards once one answers; `waiter` ends them all.
    const id = crypto.randomUUID();
    const settled = new Set<number>();
    const waits = Array.from({ length: shards }, async (_, shard) => {
      const outcome = await this.stub(shard).awaitVisible(
        this.call(call, shards, false),
        waitSeconds,
        id,
        waiter,
      );
      settled.add(shard);
      return { shard, outcome };
    });
    const first = await firstWhere(waits, (w) => !w.outcome.ok || w.outcome.value.visible);
    await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        settled.has(shard) ? undefined : this.stub(shard).cancelWait(id),
      ),
    );
    const all = await Promise.all(waits);
    const failed = all.find((w) => !w.outcome.ok);
    if (failed && !failed.outcome.ok) return failed.outcome;
    const deadline = Math.min(...all.map((w) => (w.outcome.ok ? w.outcome.value.deadline : 0)));
    const visible = first?.outcome.ok && first.outcome.value.visible ? first.shard : null;
    return ok({ shard: visible, deadline });
  }

  async confirm(
    call: QueueCall,
    items: { msgId: bigint; state: number }[],
  ): Promise<Outcome<ConfirmResult[]>> {
    return this.scatter(
      items,
      (item, shards) => shardOfMessageId(item.msgId, shards),
      (shard, shards, part) => this.stub(shard).confirm(this.call(call, shards, true), part),
    );
  }

  async transactionQueries(
    call: QueueCall,
    producer: string,
    limit: number,
  ): Promise<Outcome<{ msgIds: bigint[]; pending: number }>> {
    return this.routed(async (shards) => {
      const answers = await this.everyShard(shards, (shard) =>
        this.stub(shard).transactionQueries(this.call(call, shards, false), producer, limit),
      );
      if (!answers.ok) return answers;
      return ok({
        msgIds: answers.value.flatMap((a) => a.msgIds).slice(0, limit),
        pending: answers.value.reduce((n, a) => n + a.pending, 0),
      });
    });
  }

  async messageTrace(call: QueueCall, msgId: bigint): Promise<Outcome<TraceEntry[]>> {
    return this.routed((shards) =>
      this.stub(shardOfMessageId(msgId, shards)).messageTrace(
        this.call(call, shards, false),
        msgId,
      ),
    );
  }

  /** Dead-letter and redrive hand-offs arrive at shard 0 (src/objects/hand-off-mover.ts). */
  async acceptHandOff(call: QueueCall, items: HandOff[]): Promise<Outcome<void>> {
    return this.stub(0).acceptHandOff(call, items);
  }

  // --- The queue ------------------------------------------------------------------------------

  async attributes(call: QueueCall): Promise<Outcome<QueueView>> {
    return this.viewEvery(call, (stub, shardCall) => stub.attributes(shardCall));
  }

  async setAttributes(
    call: QueueCall,
    patch: Partial<QueueAttributes>,
    policy?: DeadLetterPolicy | null,
  ): Promise<Outcome<QueueView>> {
    return this.viewEvery(call, (stub, shardCall) => stub.setAttributes(shardCall, patch, policy));
  }

  /** Each shard of a dead-letter queue redrives its own messages, at its share of the rate. */
  async startRedrive(call: QueueCall, rate: number): Promise<Outcome<QueueView>> {
    return this.viewEvery(call, (stub, shardCall, shards) =>
      stub.startRedrive(shardCall, Math.ceil(rate / shards)),
    );
  }

  async rewind(call: QueueCall, startSeconds: number): Promise<Outcome<void>> {
    return this.routed(async (shards) => {
      const done = await this.everyShard(shards, (shard) =>
        this.stub(shard).rewind(this.call(call, shards, shard === 0), startSeconds),
      );
      return done.ok ? ok(undefined) : done;
    });
  }

  /** ClearCmqQueue: every shard purges its messages; the total removed. */
  async purge(call: QueueCall): Promise<Outcome<number>> {
    return this.routed(async (shards) => {
      const done = await this.everyShard(shards, (shard) =>
        this.stub(shard).purge(this.call(call, shards, shard === 0)),
      );
      return done.ok ? ok(done.value.reduce((n, purged) => n + purged, 0)) : done;
    });
  }

  async exists(): Promise<boolean> {
    return this.stub(0).exists();
  }

  /**
   * Creates every shard, shard 0 last: shard 0 existing means the queue is whole. A shard left by
   * a create that crashed half way is replaced.
   */
  async create(queue: Omit<NewQueue, "shard">): Promise<Outcome<QueueView>> {
    const shards = queue.attributes.shards;
    for (let shard = shards - 1; shard >= 1; shard--) {
      const stub = this.stub(shard);
      let created = await stub.create({ ...queue, shard });
      if (!created.ok && created.error.kind === "queueAlreadyExists") {
        await stub.destroy();
        created = await stub.create({ ...queue, shard });
      }
      if (!created.ok) {
        await this.destroyShards(shard + 1, shards);
        return created;
      }
    }
    const created = await this.stub(0).create({ ...queue, shard: 0 });
    if (created.ok) this.learn(shards);
    else await this.destroyShards(1, shards);
    return created;
  }

  /** Deletes every shard, shard 0 last, so a crash half way leaves the queue findable. */
  async destroy(): Promise<boolean> {
    const shards = (await this.stub(0).shardCount()) ?? 1;
    await this.destroyShards(1, shards);
    const existed = await this.stub(0).destroy();
    this.learn(1);
    return existed;
  }

  private async destroyShards(from: number, to: number): Promise<void> {
    for (let shard = to - 1; shard >= from; shard--) await this.stub(shard).destroy();
  }
}

function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** The first of `promises` to resolve matching `match`; undefined when none does. */
function firstWhere<T>(
  promises: Promise<T>[],
  match: (value: T) => boolean,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    let left = promises.length;
    for (const promise of promises) {
      promise.then((value) => {
        if (match(value)) resolve(value);
        else if (--left === 0) resolve(undefined);
      }, reject);
    }
  });
}
