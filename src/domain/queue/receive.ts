/**
 * Taking visible messages: the first rows of the visibility index become in flight for the
 * visibility timeout, each with a new receipt handle (src/domain/ids.ts).
 * @module
 */
import { messageIdOf, receiptHandleOf } from "../ids";
import type { SqlPort } from "../sql";
import { classify, count, settledTo } from "./counters";
import { DEAD, markDead, timeToLiveCutoff } from "./dead-letter";
import type { QueueMeta } from "./meta";
import { retentionCutoff } from "./retention";
import { trace } from "./trace";

export interface ReceiveRequest {
  /** 1–16 messages. */
  max: number;
  /** Overrides the queue's visibilityTimeout (the TCP pull's visible_timeout). */
  visibilityTimeoutSeconds?: number;
}

export interface ReceivedMessage {
  msgId: bigint;
  receiptHandle: bigint;
  body: string;
  /** Unix milliseconds. */
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
  /** Set on messages a source queue dead-lettered here. */
  deadLetter?: { originalQueue: string; originalPubTime: number; originalDequeueCount: number };
}

interface CandidateRow {
  [column: string]: string | number | null;
  seq: number;
  body: string;
  enqueued_at: number;
  visible_at: number;
  first_dequeued_at: number;
  dequeue_count: number;
  origin_queue: string | null;
  origin_pub_time: number | null;
  origin_dequeue_count: number | null;
}

export interface ReceiveResult {
  messages: ReceivedMessage[];
  /** Messages diverted for the dead-letter queue instead of delivered. */
  deadLettered: number;
}

function toMessage(
  meta: QueueMeta,
  row: CandidateRow,
  now: number,
  nextVisible: number,
): ReceivedMessage {
  const dequeueCount = row.dequeue_count + 1;
  const ref = { shard: meta.shard, seq: row.seq };
  const message: ReceivedMessage = {
    msgId: messageIdOf(ref),
    receiptHandle: receiptHandleOf(ref, dequeueCount),
    body: row.body,
    enqueueTime: row.enqueued_at,
    firstDequeueTime: row.first_dequeued_at === 0 ? now : row.first_dequeued_at,
    nextVisibleTime: nextVisible,
    dequeueCount,
  };
  if (row.origin_queue !== null) {
    message.deadLetter = {
      originalQueue: row.origin_queue,
      originalPubTime: row.origin_pub_time ?? 0,
      originalDequeueCount: row.origin_dequeue_count ?? 0,
    };
  }
  return message;
}

/** Rows whose visible_at or enqueued_at lies below this have expired (retention, time to live). */
export function receivableCutoff(meta: QueueMeta, now: number): number {
  return Math.max(retentionCutoff(meta, now), timeToLiveCutoff(meta, now) ?? -Infinity);
}

/** Whether a receive now would find a message (or one to divert to the dead-letter queue). */
export function hasVisible(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const cutoff = receivableCutoff(meta, now);
  return (
    sql.first(
      `SELECT 1 AS visible FROM message
       WHERE visible_at >= ? AND visible_at <= ? AND enqueued_at >= ? LIMIT 1`,
      cutoff,
      now,
      cutoff,
    ) !== undefined
  );
}

/**
 * Takes up to `max` visible, unexpired messages. Mutates `meta` (counters).
 * In: max, visibility timeout, now. Out: the messages, now in flight. Fails: never (may return []).
 * Since visible_at ≥ enqueued_at, rows with visible_at below the retention cutoff are expired: the
 * index range starts there, so expired rows awaiting cleanup are not scanned. A row already
 * received maxReceiveCount times is marked for the dead-letter queue instead (dead-letter.ts).
 */
export function receiveBatch(
  sql: SqlPort,
  meta: QueueMeta,
  request: ReceiveRequest,
  now: number,
): ReceiveResult {
  const cutoff = receivableCutoff(meta, now);
  const deadAfter = meta.deadLetterPolicy?.maxReceiveCount;
  if (deadAfter === undefined && settledTo(meta, now)) {
    return { messages: takeVisible(sql, meta, request, cutoff, now), deadLettered: 0 };
  }
  const taken: CandidateRow[] = [];
  let deadLettered = 0;
  while (taken.length < request.max) {
    // Rows taken by an earlier pass are not updated yet: leave them out of this one.
    const rows = sql.all<CandidateRow>(
      `SELECT seq, body, enqueued_at, visible_at, first_dequeued_at, dequeue_count,
         origin_queue, origin_pub_time, origin_dequeue_count FROM message
       WHERE visible_at >= ? AND visible_at <= ? AND enqueued_at >= ?
         AND seq NOT IN (${taken.map(() => "?").join(", ")})
       ORDER BY visible_at, seq LIMIT ?`,
      cutoff,
      now,
      cutoff,
      ...taken.map((r) => r.seq),
      request.max - taken.length,
    );
    const dead = deadAfter === undefined ? [] : rows.filter((r) => r.dequeue_count >= deadAfter);
    markDead(sql, meta, dead);
    deadLettered += dead.length;
    taken.push(...rows.filter((r) => !dead.includes(r)));
    if (dead.length === 0) break;
  }
  if (taken.length === 0) return { messages: [], deadLettered };
  meta.totals.received += taken.length;
  const timeout = request.visibilityTimeoutSeconds ?? meta.attributes.visibilityTimeout;
  const nextVisible = now + timeout * 1000;
  sql.run(
    `UPDATE message SET visible_at = ?1, dequeue_count = dequeue_count + 1, last_dequeued_at = ?2,
       first_dequeued_at = CASE WHEN first_dequeued_at = 0 THEN ?2 ELSE first_dequeued_at END
     WHERE seq IN (${taken.map((_, i) => `?${i + 3}`).join(", ")})`,
    nextVisible,
    now,
    ...taken.map((r) => r.seq),
  );
  for (const row of taken) {
    count(meta.counters, classify(meta.watermark, row), -1);
    count(
      meta.counters,
      classify(meta.watermark, {
        ...row,
        visible_at: nextVisible,
        dequeue_count: row.dequeue_count + 1,
      }),
      1,
    );
  }
  const messages = taken.map((row) => toMessage(meta, row, now, nextVisible));
  traceDeliveries(sql, meta, now, taken, messages);
  return { messages, deadLettered };
}

/**
 * The common receive in one statement: with no receive-count dead-lettering to check first and
 * the counters settled to `now` (so every visible row is counted active), the rows are taken and
 * read back at once. Mutates `meta` (counters, totals).
 * In: max, visibility timeout, now. Out: the messages, in send order. Fails: never.
 */
function takeVisible(
  sql: SqlPort,
  meta: QueueMeta,
  request: ReceiveRequest,
  cutoff: number,
  now: number,
): ReceivedMessage[] {
  const timeout = request.visibilityTimeoutSeconds ?? meta.attributes.visibilityTimeout;
  const nextVisible = now + timeout * 1000;
  // RETURNING gives the updated row: dequeue_count is the new one, first_dequeued_at is set.
  const taken = sql
    .all<CandidateRow>(
      `UPDATE message SET visible_at = ?1, dequeue_count = dequeue_count + 1, last_dequeued_at = ?2,
         first_dequeued_at = CASE WHEN first_dequeued_at = 0 THEN ?2 ELSE first_dequeued_at END
       WHERE seq IN (SELECT seq FROM message
         WHERE visible_at >= ?3 AND visible_at <= ?2 AND enqueued_at >= ?3
         ORDER BY visible_at, seq LIMIT ?4)
       RETURNING seq, body, enqueued_at, visible_at, first_dequeued_at, dequeue_count,
         origin_queue, origin_pub_time, origin_dequeue_count`,
      nextVisible,
      now,
      cutoff,
      request.max,
    )
    .sort((a, b) => a.seq - b.seq);
  if (taken.length === 0) return [];
  meta.totals.received += taken.length;
  // Each was active (visible at a settled `now`) and is now in flight.
  meta.counters.inflight += taken.length;
  const messages = taken.map((row) =>
    toMessage(meta, { ...row, dequeue_count: row.dequeue_count - 1 }, now, nextVisible),
  );
  traceDeliveries(sql, meta, now, taken, messages);
  return messages;
}

function traceDeliveries(
  sql: SqlPort,
  meta: QueueMeta,
  now: number,
  rows: readonly { seq: number }[],
  messages: readonly ReceivedMessage[],
): void {
  if (meta.attributes.trace !== 1) return;
  trace(
    sql,
    meta,
    now,
    messages.map((m, i) => ({
      seq: rows[i]?.seq ?? 0,
      event: "delivered",
      detail: { receiptHandle: m.receiptHandle.toString(), dequeueCount: m.dequeueCount },
    })),
  );
}

/** When the next currently invisible message becomes visible, or null when none will. */
export function nextVisibleAt(sql: SqlPort, now: number): number | null {
  const row = sql.first<{ visible_at: number }>(
    "SELECT visible_at FROM message WHERE visible_at > ? AND visible_at < ? ORDER BY visible_at LIMIT 1",
    now,
    DEAD,
  );
  return row?.visible_at ?? null;
}
