/**
 * QueueObject: one per tenant and queue name. A thin shell over QueueStore: it supplies the clock
 * and storage, parks long-poll receivers, and keeps the alarm for background chores. Replies, and
 * the wake-ups of waiting receivers, happen only after the transaction has committed.
 */
import { DurableObject } from "cloudflare:workers";
import { fail } from "../domain/errors";
import { MAX_WAITERS_PER_QUEUE } from "../domain/limits";
import { attempt, attemptAsync, type Outcome } from "../domain/outcome";
import type { HandOff } from "../domain/queue/dead-letter";
import type { DeleteItemResult } from "../domain/queue/delete";
import type { DeadLetterPolicy, QueueAttributes } from "../domain/queue/meta";
import type { QueueMetrics } from "../domain/queue/metrics";
import type { PeekRequest, PeekResult } from "../domain/queue/peek";
import {
  type NewQueue,
  type QueueCall,
  QueueStore,
  type QueueView,
} from "../domain/queue/queue-store";
import type { ReceivedMessage, ReceiveRequest } from "../domain/queue/receive";
import type { SendGroup } from "../domain/queue/send";
import type { TraceEntry } from "../domain/queue/trace";
import type { ConfirmResult } from "../domain/queue/transaction";
import { AlarmSchedule } from "./alarm-schedule";
import { Cancellations } from "./cancellations";
import { clock } from "./clock";
import { HandOffMover, handOffThrough } from "./hand-off-mover";
import { durableSql } from "./sql-adapter";
import { Waiters } from "./waiters";

/** Between two purge chunks: long enough for waiting requests to run first. */
const CHORE_PAUSE_MS = 1;

export interface ReceiveCall extends ReceiveRequest {
  /** Long-poll wait; absent means the queue's pollingWaitSeconds. */
  waitSeconds?: number;
  /** Names the receive for cancelWait(), when its receiver may go away (src/objects/receiver.ts). */
  waiter?: string;
}

export class QueueObject extends DurableObject<Env> {
  private readonly store: QueueStore;
  private readonly waiters = new Waiters();
  private readonly cancellations = new Cancellations();
  private readonly alarms: AlarmSchedule;
  private readonly mover: HandOffMover;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new QueueStore(durableSql(ctx.storage));
    this.mover = new HandOffMover(this.store, handOffThrough(env));
    this.alarms = new AlarmSchedule(ctx.storage, {
      // Chores first: they mark messages that outlived their time to live, which the mover then
      // hands to the dead-letter queue in the same run.
      chores: async (now) => {
        const report = this.store.chores(now);
        const more = await this.mover.run(clock.now());
        return { more: more || report.more, nextAt: this.store.nextChoreAt(clock.now()) };
      },
      nextChoreAt: (now) => this.store.nextChoreAt(now),
    });
    void ctx.blockConcurrencyWhile(() => this.alarms.load());
  }

  async create(queue: NewQueue): Promise<Outcome<QueueView>> {
    return attempt(() => this.store.create(queue, clock.now()));
  }

  /** Deletes the queue and everything in it; returns whether it existed. */
  async destroy(): Promise<boolean> {
    const existed = this.store.exists();
    await this.ctx.storage.deleteAll();
    await this.alarms.clear();
    this.store.forgetStorage();
    // Parked receivers re-check and find the queue gone.
    this.waiters.wakeAll();
    return existed;
  }

  async exists(): Promise<boolean> {
    return this.store.exists();
  }

  /** How many shards the queue has; null when it does not exist. */
  async shardCount(): Promise<number | null> {
    return this.store.shardCount();
  }

  async attributes(call: QueueCall): Promise<Outcome<QueueView>> {
    const outcome = attempt(() => this.store.attributes(call, clock.now()));
    if (outcome.ok) outcome.value.waitingReceiverNum = this.waiters.size;
    return this.alarms.afterChange(outcome);
  }

  /** The view with the stored totals, and the last hour when asked (src/domain/queue/metrics.ts). */
  async metrics(call: QueueCall, withHistory: boolean): Promise<Outcome<QueueMetrics>> {
    const outcome = attempt(() => this.store.metrics(call, clock.now(), withHistory));
    if (outcome.ok) outcome.value.view.waitingReceiverNum = this.waiters.size;
    return this.alarms.afterChange(outcome);
  }

  /** Attributes, and the dead-letter policy unless undefined (the catalog has bound it). */
  async setAttributes(
    call: QueueCall,
    patch: Partial<QueueAttributes>,
    policy?: DeadLetterPolicy | null,
  ): Promise<Outcome<QueueView>> {
    const outcome = attempt(() => this.store.setAttributes(call, patch, clock.now(), policy));
    // Shorter retention or rewind windows bring expiries forward.
    await this.alarms.ensure(this.store.nextChoreAt(clock.now()));
    return outcome;
  }

  async rewind(call: QueueCall, startSeconds: number): Promise<Outcome<void>> {
    const outcome = attempt(() => this.store.rewind(call, startSeconds, clock.now()));
    if (outcome.ok) {
      this.waiters.wakeAll();
      await this.alarms.ensure(clock.now());
    }
    return outcome;
  }

  /**
   * ClearCmqQueue: removes every message the queue holds now, one chunk per transaction with a
   * pause between chunks so other requests are served meanwhile; answers the count once all are
   * gone. The job is stored, so the alarm finishes it if this object restarts half way.
   */
  async purge(call: QueueCall): Promise<Outcome<number>> {
    const started = attempt(() => this.store.purge(call, clock.now()));
    if (!started.ok) return started;
    let { purged, more } = started.value;
    if (more) await this.alarms.ensure(clock.now() + CHORE_PAUSE_MS * 100);
    while (more) {
      await new Promise((resolve) => setTimeout(resolve, CHORE_PAUSE_MS));
      const step = this.store.continuePurge(clock.now());
      purged += step.purged;
      more = step.more;
    }
    return { ok: true, value: purged };
  }

  /** Stores each group whole or refuses it whole (src/domain/queue/send.ts). */
  async send(call: QueueCall, groups: SendGroup[]): Promise<Outcome<Outcome<bigint[]>[]>> {
    const now = clock.now();
    const outcome = attempt(() => this.store.send(call, groups, now));
    if (outcome.ok) {
      // Transaction messages are not deliverable until committed: no one to wake for them.
      const stored = groups.filter((g, i) => outcome.value[i]?.ok && !g.transaction);
      this.waiters.wake(
        stored.filter((g) => g.delaySeconds === 0).reduce((n, g) => n + g.bodies.length, 0),
      );
      for (const g of stored)
        if (g.delaySeconds > 0) this.waiters.wakeBefore(now + g.delaySeconds * 1000);
    }
    return this.alarms.afterChange(outcome);
  }

  /**
   * Receives up to `max` messages, waiting up to the long-poll time for one to become visible (a
   * send, or a delay or visibility timeout running out) without polling the table in a loop. A
   * receive cancelled by `cancelWait(waiter)` ends with noMessage and takes nothing.
   */
  async receive(call: QueueCall, request: ReceiveCall): Promise<Outcome<ReceivedMessage[]>> {
    const names = request.waiter === undefined ? [] : [request.waiter];
    const outcome = await attemptAsync(async () => {
      const waitSeconds = request.waitSeconds ?? this.store.pollingWaitSeconds(call);
      const deadline = clock.now() + waitSeconds * 1000;
      let attemptCall = call;
      for (let woken = false; ; woken = true) {
        const now = clock.now();
        if (this.cancellations.any(names)) {
          // It may have been woken for messages it will not take now: pass them on.
          if (woken && this.store.hasVisible(call, now)) this.waiters.wake(1);
          fail({ kind: "noMessage" });
        }
        const { messages, deadLettered } = this.store.receive(attemptCall, request, now);
        // The request stamp is recorded once, by the first attempt.
        attemptCall = { queue: call.queue };
        if (deadLettered > 0) await this.alarms.ensure(now);
        if (messages.length > 0) {
          // Only a receive that took all it could may have left some: then the next one looks.
          if (messages.length === request.max) this.waiters.wake(1);
          // Others re-arm for the new timeouts.
          this.waiters.wakeBefore(Math.min(...messages.map((m) => m.nextVisibleTime)));
          return messages;
        }
        if (now >= deadline) fail({ kind: "noMessage" });
        await this.park(call, now, deadline, names, request.max);
      }
    });
    return this.alarms.afterChange(outcome);
  }

  /** Waits until woken, or the deadline or the next visibility change. Fails: tooManyWaiters. */
  private async park(
    call: QueueCall,
    now: number,
    deadline: number,
    names: readonly string[],
    wants = 1,
  ): Promise<void> {
    if (this.waiters.size >= MAX_WAITERS_PER_QUEUE) {
      fail({ kind: "tooManyWaiters", queue: call.queue, limit: MAX_WAITERS_PER_QUEUE });
    }
    const next = this.store.nextVisibleAt(now);
    await this.waiters.wait(next === null ? deadline : Math.min(deadline, next), names, wants);
  }

  /**
   * A sharded queue's long poll (src/objects/queue-client/): waits up to `waitSeconds` until a
   * receive here would find a message, without taking it, so a receiver parked on every shard
   * claims messages from one only. `visible` is false at the deadline (absent `waitSeconds`: the
   * queue's pollingWaitSeconds), or when cancelled by `cancelWait` of `id` (this round's name) or
   * of `waiter` (the whole receive's).
   */
  async awaitVisible(
    call: QueueCall,
    waitSeconds: number | undefined,
    id: string,
    waiter?: string,
  ): Promise<Outcome<{ visible: boolean; deadline: number }>> {
    const names = waiter === undefined ? [id] : [id, waiter];
    return attemptAsync(async () => {
      const wait = waitSeconds ?? this.store.pollingWaitSeconds(call);
      const deadline = clock.now() + wait * 1000;
      for (;;) {
        const now = clock.now();
        if (this.store.hasVisible(call, now)) return { visible: true, deadline };
        if (now >= deadline || this.cancellations.any(names)) {
          return { visible: false, deadline };
        }
        await this.park(call, now, deadline, names);
      }
    });
  }

  /**
   * Ends the receive or awaitVisible calls named `name`, here now or arriving later: another shard
   * has answered the receiver, or the receiver went away.
   */
  async cancelWait(name: string): Promise<void> {
    this.cancellations.cancel(name, clock.now());
    this.waiters.cancel(name);
  }

  /** Takes messages handed over by another queue of the tenant (src/objects/hand-off-mover.ts). */
  async acceptHandOff(call: QueueCall, items: HandOff[]): Promise<Outcome<void>> {
    const outcome = attempt(() => this.store.acceptHandOff(call, items, clock.now()));
    if (outcome.ok) this.waiters.wake(items.length);
    return this.alarms.afterChange(outcome);
  }

  /** Starts sending this dead-letter queue's messages back to their sources at `rate` a second. */
  async startRedrive(call: QueueCall, rate: number): Promise<Outcome<QueueView>> {
    const outcome = attempt(() => this.store.startRedrive(call, rate, clock.now()));
    if (outcome.ok) await this.alarms.ensure(clock.now());
    return outcome;
  }

  /** A producer's commit / rollback decisions on transaction messages (TCP only). */
  async confirm(
    call: QueueCall,
    items: { msgId: bigint; state: number }[],
  ): Promise<Outcome<ConfirmResult[]>> {
    const outcome = attempt(() => this.store.confirm(call, items, clock.now()));
    if (outcome.ok) this.waiters.wake(outcome.value.filter((r) => r.ok).length);
    return this.alarms.afterChange(outcome);
  }

  /** Which of `producer`'s transaction messages to ask it about now (the bridge polls this). */
  async transactionQueries(call: QueueCall, producer: string, limit: number) {
    return this.alarms.afterChange(
      attempt(() => this.store.transactionQueries(call, producer, clock.now(), limit)),
    );
  }

  /** What happened to a message while the queue traced (EdgeGetMessageTrace). */
  async messageTrace(call: QueueCall, msgId: bigint): Promise<Outcome<TraceEntry[]>> {
    return attempt(() => this.store.trace(call, msgId));
  }

  /** Gives back messages taken for a receiver that went away before its reply left. */
  async returnUnread(call: QueueCall, handles: bigint[]): Promise<Outcome<number>> {
    const outcome = attempt(() => this.store.returnUnread(call, handles, clock.now()));
    if (outcome.ok) this.waiters.wake(outcome.value);
    return this.alarms.afterChange(outcome);
  }

  /**
   * Moves a held message's nextVisibleTime to `seconds` from now (EdgeChangeMessageVisibility).
   * Released (0 s), it is visible at once: one waiter may take it. Brought forward, waiters armed
   * for the old time re-arm for the new one.
   */
  async changeVisibility(
    call: QueueCall,
    handle: bigint,
    seconds: number,
  ): Promise<Outcome<{ nextVisibleTime: number }>> {
    const now = clock.now();
    const outcome = attempt(() => ({
      nextVisibleTime: this.store.changeVisibility(call, handle, seconds, now),
    }));
    if (outcome.ok) {
      const at = outcome.value.nextVisibleTime;
      if (at <= now) this.waiters.wake(1);
      else this.waiters.wakeBefore(at);
    }
    return this.alarms.afterChange(outcome);
  }

  /** EdgePeekMessages: reads only, so it needs no alarm and wakes no one. */
  async peek(call: QueueCall, request: PeekRequest): Promise<Outcome<PeekResult>> {
    return attempt(() => this.store.peek(call, request, clock.now()));
  }

  /** Deletes `handles`, then takes up to `request.max` messages there now, in one transaction. */
  async consume(
    call: QueueCall,
    handles: bigint[],
    request: ReceiveRequest,
  ): Promise<Outcome<{ deleted: DeleteItemResult[]; messages: ReceivedMessage[] }>> {
    const now = clock.now();
    const outcome = attempt(() => this.store.consume(call, handles, request, now));
    if (outcome.ok) {
      const { messages, deadLettered } = outcome.value.received;
      if (deadLettered > 0) await this.alarms.ensure(now);
      if (messages.length > 0) {
        this.waiters.wake(1);
        this.waiters.wakeBefore(Math.min(...messages.map((m) => m.nextVisibleTime)));
      }
    }
    return this.alarms.afterChange(
      outcome.ok
        ? {
            ok: true,
            value: { deleted: outcome.value.deleted, messages: outcome.value.received.messages },
          }
        : outcome,
    );
  }

  async delete(call: QueueCall, handles: bigint[]): Promise<Outcome<DeleteItemResult[]>> {
    return this.alarms.afterChange(attempt(() => this.store.delete(call, handles, clock.now())));
  }

  override async alarm(): Promise<void> {
    await this.alarms.run();
  }
}
