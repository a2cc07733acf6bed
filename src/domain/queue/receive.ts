/**
 * Taking visible messages: the first rows of the visibility index become in flight for the
 * visibility timeout, each with a new receipt handle (src/domain/ids.ts).
 * @module
 */
import { messageIdOf, receiptHandleOf } from "../ids";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";
import { retentionCutoff } from "./retention";

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
}

interface CandidateRow {
  [column: string]: string | number;
  seq: number;
  body: string;
  enqueued_at: number;
  visible_at: number;
  first_dequeued_at: number;
  dequeue_count: number;
}

/**
 * Takes up to `max` visible, unexpired messages. Mutates `meta` (counters).
 * In: max, visibility timeout, now. Out: the messages, now in flight. Fails: never (may return []).
 * Since visible_at ≥ enqueued_at, rows with visible_at below the retention cutoff are expired: the
 * index range starts there, so expired rows awaiting cleanup are not scanned.
 */
export function receiveBatch(
  sql: SqlPort,
  meta: QueueMeta,
  request: ReceiveRequest,
  now: number,
): ReceivedMessage[] {
  const cutoff = retentionCutoff(meta, now);
  const rows = sql.all<CandidateRow>(
    `SELECT seq, body, enqueued_at, visible_at, first_dequeued_at, dequeue_count FROM message
     WHERE visible_at >= ? AND visible_at <= ? AND enqueued_at >= ?
     ORDER BY visible_at, seq LIMIT ?`,
    cutoff,
    now,
    cutoff,
    request.max,
  );
  if (rows.length === 0) return [];
  const timeout = request.visibilityTimeoutSeconds ?? meta.attributes.visibilityTimeout;
  const nextVisible = now + timeout * 1000;
  sql.run(
    `UPDATE message SET visible_at = ?1, dequeue_count = dequeue_count + 1, last_dequeued_at = ?2,
       first_dequeued_at = CASE WHEN first_dequeued_at = 0 THEN ?2 ELSE first_dequeued_at END
     WHERE seq IN (${rows.map((_, i) => `?${i + 3}`).join(", ")})`,
    nextVisible,
    now,
    ...rows.map((r) => r.seq),
  );
  return rows.map((row) => {
    const dequeueCount = row.dequeue_count + 1;
    count(meta.counters, classify(meta.watermark, row), -1);
    count(
      meta.counters,
      classify(meta.watermark, { ...row, visible_at: nextVisible, dequeue_count: dequeueCount }),
      1,
    );
    const ref = { shard: meta.shard, seq: row.seq };
    return {
      msgId: messageIdOf(ref),
      receiptHandle: receiptHandleOf(ref, dequeueCount),
      body: row.body,
      enqueueTime: row.enqueued_at,
      firstDequeueTime: row.first_dequeued_at === 0 ? now : row.first_dequeued_at,
      nextVisibleTime: nextVisible,
      dequeueCount,
    };
  });
}

/** When the next currently invisible message becomes visible, or null when none will. */
export function nextVisibleAt(sql: SqlPort, now: number): number | null {
  const row = sql.first<{ visible_at: number }>(
    "SELECT visible_at FROM message WHERE visible_at > ? ORDER BY visible_at LIMIT 1",
    now,
  );
  return row?.visible_at ?? null;
}
