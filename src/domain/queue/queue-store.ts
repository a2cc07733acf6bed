/**
 * The queue's operations over its own SQLite: each runs in one transaction that loads the metadata,
 * records the request stamp, settles counters, applies the change and writes the metadata back.
 * Pure domain: the caller supplies `now` (Unix ms) and the storage port.
 * @module
 */
import { type ChoreReport, earliest } from "../chore-report";
import { fail } from "../errors";
import { parseMessageId, randomSeqBase } from "../ids";
import type { Outcome } from "../outcome";
import {
  forgetExpiredRequests,
  nextRequestExpiry,
  type RequestStamp,
  recordRequest,
} from "../replay-guard";
import { LazySchema, type SqlPort } from "../sql";
import { changeVisibility } from "./change-visibility";
import { activeCount, settle } from "./counters";
import {
  acceptHandOff,
  checkPolicyWithinRetention,
  type DeadLetter,
  deadLettersToMove,
  forgetHandOffs,
  type HandOff,
  markOutlived,
  nextDeadLetterWork,
  removeMoved,
} from "./dead-letter";
import { type DeleteItemResult, deleteByHandles } from "./delete";
import {
  type DeadLetterPolicy,
  findMeta,
  insertMeta,
  type QueueAttributes,
  type QueueMeta,
  type Redrive,
  saveMeta,
} from "./meta";
import { type QueueMetrics, readHistory, recordMinute, zeroTotals } from "./metrics";
import { type PeekRequest, type PeekResult, peek } from "./peek";
import { continuePurge, startPurge } from "./purge";
import {
  hasVisible,
  nextVisibleAt,
  type ReceiveRequest,
  type ReceiveResult,
  receiveBatch,
} from "./receive";
import { type RedriveItem, redriveBatch, redriven, startRedrive } from "./redrive";
import { expireMessages, expireRewindable, nextExpiry, receivableCounters } from "./retention";
import { returnUnread } from "./return-unread";
import { continueRewind, startRewind } from "./rewind";
import { QUEUE_MIGRATIONS } from "./schema";
import { type SendGroup, sendGroups } from "./send";
import { forgetTrace, nextTraceExpiry, readTrace, type TraceEntry } from "./trace";
import {
  type ConfirmResult,
  confirm,
  dueQueries,
  expireHalves,
  nextHalfDeadline,
  pendingHalves,
} from "./transaction";

/** Who is calling: the queue name as the client wrote it (for errors) and its request stamp. */
export interface QueueCall {
  queue: string;
  stamp?: RequestStamp;
  /**
   * How many shards the caller routes over (src/objects/queue-client/); a stale count is refused
   * before anything changes, so the caller can re-route. Absent: the caller does not route.
   */
  shards?: number;
}

export interface QueueView {
  name: string;
  queueId: string;
  attributes: QueueAttributes;
  createdAt: number;
  modifiedAt: number;
  activeMsgNum: number;
  inactiveMsgNum: number;
  delayMsgNum: number;
  rewindMsgNum: number;
  /** Enqueue time (Unix ms) of the oldest live message, 0 when the queue is empty. */
  minMsgTime: number;
  /** Transaction messages waiting for commit or rollback. */
  transactionMsgNum: number;
  /** Long polls waiting now: in memory, so the object shell fills it in (0 here). */
  waitingReceiverNum: number;
  deadLetterPolicy: DeadLetterPolicy | null;
  redrive: Redrive | null;
  redriveMoved: number;
}

export interface NewQueue {
  name: string;
  queueId: string;
  appId: string;
  shard: number;
  attributes: QueueAttributes;
  /** Validated by the catalog, which also records the binding (dead-letter.ts). */
  deadLetterPolicy?: DeadLetterPolicy | null;
}

/** What must hold between a queue's settings, whichever request changed them. */
function checkSettings(a: QueueAttributes, policy: DeadLetterPolicy | null): void {
  if (a.rewindSeconds > a.msgRetentionSeconds) fail({ kind: "rewindExceedsRetention" });
  checkPolicyWithinRetention(policy, a.msgRetentionSeconds);
}

export class QueueStore {
  private readonly schema: LazySchema;
  /**
   * The metadata row as last committed, so a call reads it from memory instead of SQLite. Every
   * change still writes it back inside its transaction; a transaction that fails drops it, since
   * the call may have changed it half-way before rolling back.
   */
  private meta: QueueMeta | undefined;

  constructor(
    private readonly sql: SqlPort,
    private readonly random: () => number = Math.random,
  ) {
    this.schema = new LazySchema(sql, QUEUE_MIGRATIONS);
  }

  /** After the object's storage was wiped (DeleteQueue). */
  forgetStorage(): void {
    this.schema.forget();
    this.meta = undefined;
  }

  private findMeta(): QueueMeta | undefined {
    if (!this.schema.ready) return undefined;
    this.meta ??= findMeta(this.sql);
    return this.meta;
  }

  private atomically<T>(fn: () => T): T {
    try {
      return this.sql.transaction(fn);
    } catch (error) {
      this.meta = undefined;
      throw error;
    }
  }

  private requireMeta(call: QueueCall): QueueMeta {
    const meta = this.findMeta() ?? fail({ kind: "queueNotFound", queue: call.queue });
    const shards = meta.attributes.shards;
    if (call.shards !== undefined && call.shards !== shards)
      fail({ kind: "shardsChanged", shards });
    return meta;
  }

  private change<T>(call: QueueCall, now: number, fn: (meta: QueueMeta) => T): T {
    return this.atomically(() => {
      const meta = this.requireMeta(call);
      recordRequest(this.sql, call.stamp);
      settle(this.sql, meta, now);
      recordMinute(this.sql, meta, now);
      const result = fn(meta);
      saveMeta(this.sql, meta);
      return result;
    });
  }

  exists(): boolean {
    return this.findMeta() !== undefined;
  }

  shardCount(): number | null {
    return this.findMeta()?.attributes.shards ?? null;
  }

  /**
   * Initialises the queue. In: name, id, attributes. Fails: queueAlreadyExists,
   * rewindExceedsRetention.
   */
  create(queue: NewQueue, now: number): QueueView {
    this.schema.ensure();
    return this.atomically(() => {
      if (this.findMeta()) fail({ kind: "queueAlreadyExists", queue: queue.name });
      checkSettings(queue.attributes, queue.deadLetterPolicy ?? null);
      const meta: QueueMeta = {
        ...queue,
        createdAt: now,
        modifiedAt: now,
        nextSeq: randomSeqBase(this.random),
        counters: { total: 0, delayed: 0, inflight: 0, rewindable: 0, half: 0 },
        watermark: { at: now, seq: 0 },
        rewindJob: null,
        deadLetterPolicy: queue.deadLetterPolicy ?? null,
        redrive: null,
        redriveMoved: 0,
        purgeGen: 0,
        purgeJob: null,
        totals: zeroTotals(),
        deadLetterCount: 0,
        historyMinute: 0,
      };
      insertMeta(this.sql, meta);
      return this.view(meta, now);
    });
  }

  attributes(call: QueueCall, now: number): QueueView {
    return this.change(call, now, (meta) => this.view(meta, now));
  }

  /** The view with the stored totals, and the last hour minute by minute when asked. */
  metrics(call: QueueCall, now: number, withHistory: boolean): QueueMetrics {
    return this.change(call, now, (meta) => ({
      view: this.view(meta, now),
      deadLetterMsgNum: meta.deadLetterCount,
      totals: { ...meta.totals },
      ...(withHistory ? { history: readHistory(this.sql, meta, now) } : {}),
    }));
  }

  /**
   * Changes attributes and, unless `policy` is undefined, sets (null: clears) the dead-letter
   * policy, which the catalog has bound. All or nothing.
   * Fails: queueNotFound, shardsFixed, rewindExceedsRetention, deadLetterPolicyInvalid.
   */
  setAttributes(
    call: QueueCall,
    patch: Partial<QueueAttributes>,
    now: number,
    policy?: DeadLetterPolicy | null,
  ): QueueView {
    return this.change(call, now, (meta) => {
      if (patch.shards !== undefined && patch.shards !== meta.attributes.shards) {
        fail({ kind: "shardsFixed", queue: call.queue });
      }
      meta.attributes = { ...meta.attributes, ...patch };
      if (policy !== undefined) meta.deadLetterPolicy = policy;
      checkSettings(meta.attributes, meta.deadLetterPolicy);
      meta.modifiedAt = now;
      return this.view(meta, now);
    });
  }

  rewind(call: QueueCall, startSeconds: number, now: number): void {
    this.change(call, now, (meta) => startRewind(this.sql, meta, startSeconds, now));
  }

  /**
   * Starts removing every message the queue holds (ClearCmqQueue) and removes the first chunk;
   * continuePurge does the rest (purge.ts). Fails: queueNotFound.
   */
  purge(call: QueueCall, now: number): { purged: number; more: boolean } {
    return this.change(call, now, (meta) => {
      startPurge(this.sql, meta);
      return continuePurge(this.sql, meta, now);
    });
  }

  /** The next chunk of a running purge, in a transaction of its own; nothing once it is done. */
  continuePurge(now: number): { purged: number; more: boolean } {
    let step = { purged: 0, more: false };
    this.bookkeep(now, (meta) => {
      settle(this.sql, meta, now);
      step = continuePurge(this.sql, meta, now);
    });
    return step;
  }

  /** Stores each group whole or refuses it whole; one group's failure does not affect the others. */
  send(call: QueueCall, groups: readonly SendGroup[], now: number): Outcome<bigint[]>[] {
    return this.change(call, now, (meta) => sendGroups(this.sql, meta, groups, now));
  }

  /**
   * Takes up to `request.max` visible messages. A receive with no request stamp to record that
   * would find none is answered from one indexed read, without a transaction: long polls and the
   * shared receives of an empty queue ask that most often.
   */
  receive(call: QueueCall, request: ReceiveRequest, now: number): ReceiveResult {
    if (call.stamp === undefined && !this.hasVisible(call, now)) {
      return { messages: [], deadLettered: 0 };
    }
    return this.change(call, now, (meta) => receiveBatch(this.sql, meta, request, now));
  }

  /** Gives back messages whose receiver vanished before the reply left; how many went back. */
  returnUnread(call: QueueCall, handles: readonly bigint[], now: number): number {
    return this.change(call, now, (meta) => returnUnread(this.sql, meta, handles, now));
  }

  /** A held message's new nextVisibleTime (Unix ms), `seconds` from now (change-visibility.ts). */
  changeVisibility(call: QueueCall, handle: bigint, seconds: number, now: number): number {
    return this.change(call, now, (meta) => changeVisibility(this.sql, meta, handle, seconds, now));
  }

  /** What a receive would take now, and what is in flight, without writing anything (peek.ts). */
  peek(call: QueueCall, request: PeekRequest, now: number): PeekResult {
    return peek(this.sql, this.requireMeta(call), request, now);
  }

  delete(call: QueueCall, handles: readonly bigint[], now: number): DeleteItemResult[] {
    return this.change(call, now, (meta) => deleteByHandles(this.sql, meta, handles, now));
  }

  /**
   * A consumer's step in one transaction: delete what it acknowledged, then take up to
   * `request.max` more (0: none). The TCP bridge fuses the deletes and pulls of a queue's
   * consumers this way, one object call where there were two.
   */
  consume(
    call: QueueCall,
    handles: readonly bigint[],
    request: ReceiveRequest,
    now: number,
  ): { deleted: DeleteItemResult[]; received: ReceiveResult } {
    return this.change(call, now, (meta) => ({
      deleted: deleteByHandles(this.sql, meta, handles, now),
      received:
        request.max > 0
          ? receiveBatch(this.sql, meta, request, now)
          : { messages: [], deadLettered: 0 },
    }));
  }

  /** Takes messages handed over by another queue (dead-letter move, redrive). Fails: queueFull. */
  acceptHandOff(call: QueueCall, items: readonly HandOff[], now: number): void {
    this.change(call, now, (meta) => acceptHandOff(this.sql, meta, items, now));
  }

  /** Marked messages to hand to the dead-letter queue, with where it is; undefined when none. */
  deadLetters(
    limit: number,
  ): { appId: string; source: string; queue: string; letters: DeadLetter[] } | undefined {
    const meta = this.findMeta();
    const policy = meta?.deadLetterPolicy;
    if (!meta || !policy) return undefined;
    const letters = deadLettersToMove(this.sql, meta, limit);
    if (letters.length === 0) return undefined;
    return { appId: meta.appId, source: meta.name, queue: policy.deadLetterQueue, letters };
  }

  /** The dead-letter queue has taken these: delete them here. */
  movedToDeadLetter(seqs: readonly number[], now: number): void {
    this.bookkeep(now, (meta) => removeMoved(this.sql, meta, seqs, now));
  }

  /** Starts handing this queue's dead-lettered messages back to their sources. */
  startRedrive(call: QueueCall, rate: number, now: number): QueueView {
    return this.change(call, now, (meta) => {
      startRedrive(meta, rate, now);
      return this.view(meta, now);
    });
  }

  /** The next messages a running redrive may send back, within its rate, with their app. */
  redriveBatch(now: number, limit: number): { appId: string; items: RedriveItem[] } | undefined {
    const meta = this.findMeta();
    if (!meta?.redrive) return undefined;
    return this.atomically(() => {
      const items = redriveBatch(this.sql, meta, now, limit);
      saveMeta(this.sql, meta);
      return { appId: meta.appId, items };
    });
  }

  redriven(seqs: readonly number[], now: number): void {
    this.bookkeep(now, (meta) => redriven(this.sql, meta, seqs, now));
  }

  /** Changes made by background work, for a queue that may have been deleted meanwhile. */
  private bookkeep(now: number, fn: (meta: QueueMeta) => void): void {
    this.atomically(() => {
      const meta = this.findMeta();
      if (!meta) return;
      recordMinute(this.sql, meta, now);
      fn(meta);
      saveMeta(this.sql, meta);
    });
  }

  /** The producer's commit / rollback decisions on transaction messages, one result per item. */
  confirm(
    call: QueueCall,
    items: readonly { msgId: bigint; state: number }[],
    now: number,
  ): ConfirmResult[] {
    return this.change(call, now, (meta) => confirm(this.sql, meta, items, now));
  }

  /** Transaction messages of `producer` to ask about now, and how many it still has pending. */
  transactionQueries(call: QueueCall, producer: string, now: number, limit: number) {
    return this.change(call, now, (meta) => ({
      msgIds: dueQueries(this.sql, meta, producer, now, limit),
      pending: pendingHalves(this.sql, producer),
    }));
  }

  /** What happened to a message (while the queue traces); empty when nothing was recorded. */
  trace(call: QueueCall, msgId: bigint): TraceEntry[] {
    const meta = this.requireMeta(call);
    const ref = parseMessageId(msgId);
    return ref && ref.shard === meta.shard ? readTrace(this.sql, ref.seq) : [];
  }

  /** Settings the object shell needs outside a transaction (long-poll wait, wake-up time). */
  pollingWaitSeconds(call: QueueCall): number {
    return this.requireMeta(call).attributes.pollingWaitSeconds;
  }

  /** Whether a receive now would find a message, without taking one. */
  hasVisible(call: QueueCall, now: number): boolean {
    return hasVisible(this.sql, this.requireMeta(call), now);
  }

  nextVisibleAt(now: number): number | null {
    return this.schema.ready ? nextVisibleAt(this.sql, now) : null;
  }

  /** Runs one chunk of each background chore (alarm); a deleted queue only forgets stamps. */
  chores(now: number): ChoreReport {
    if (!this.schema.ready) return { more: false, nextAt: null };
    return this.atomically(() => {
      let more = forgetExpiredRequests(this.sql, now);
      const meta = this.findMeta();
      if (meta) {
        recordMinute(this.sql, meta, now);
        // Non-short-circuit: every chore gets its chunk in each run.
        more = settle(this.sql, meta, now) || more;
        more = continueRewind(this.sql, meta) || more;
        more = continuePurge(this.sql, meta, now).more || more;
        more = expireMessages(this.sql, meta, now) || more;
        more = expireRewindable(this.sql, meta, now) || more;
        more = markOutlived(this.sql, meta, now) || more;
        more = forgetHandOffs(this.sql, now) || more;
        more = expireHalves(this.sql, meta, now) || more;
        more = forgetTrace(this.sql, meta, now) || more;
        saveMeta(this.sql, meta);
      }
      return { more, nextAt: this.nextChoreAt(now, meta) };
    });
  }

  /** When the next chore falls due, without running any. */
  nextChoreAt(now: number, meta = this.findMeta()): number | null {
    if (!this.schema.ready) return null;
    return earliest(
      nextRequestExpiry(this.sql),
      meta?.purgeJob ? now : null,
      meta ? nextExpiry(this.sql, meta) : null,
      meta ? nextDeadLetterWork(this.sql, meta, now) : null,
      meta ? nextHalfDeadline(this.sql) : null,
      meta ? nextTraceExpiry(this.sql, meta) : null,
    );
  }

  /** The queue as a receive at `now` would find it, whatever the chores have not removed yet. */
  private view(meta: QueueMeta, now: number): QueueView {
    const { counters: c, oldestLive } = receivableCounters(this.sql, meta, now);
    return {
      name: meta.name,
      queueId: meta.queueId,
      attributes: { ...meta.attributes },
      createdAt: meta.createdAt,
      modifiedAt: meta.modifiedAt,
      activeMsgNum: activeCount(c),
      inactiveMsgNum: c.inflight,
      delayMsgNum: c.delayed,
      rewindMsgNum: c.rewindable,
      minMsgTime: oldestLive,
      transactionMsgNum: c.half,
      waitingReceiverNum: 0,
      deadLetterPolicy: meta.deadLetterPolicy,
      redrive: meta.redrive && { ...meta.redrive },
      redriveMoved: meta.redriveMoved,
    };
  }
}
