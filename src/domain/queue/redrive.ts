/**
 * Redrive (cmq-edge's own, after SQS): a dead-letter queue hands its dead-lettered messages back to
 * the queues they came from, oldest first, at a limited rate so a recovering consumer is not
 * flooded. Each message goes back under a hand-off key before it is deleted here, as in the move to
 * the dead-letter queue (dead-letter.ts). Messages in flight here are left for a later pass.
 * @module
 */
import { boundChunks, inList, type SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { HandOff } from "./dead-letter";
import type { QueueMeta } from "./meta";

export interface RedriveItem extends HandOff {
  seq: number;
  /** The source queue the message goes back to. */
  queue: string;
}

export function startRedrive(meta: QueueMeta, rate: number, now: number): void {
  meta.redrive = { rate, moved: 0, at: now };
  meta.redriveMoved = 0;
}

/**
 * The next messages the rate allows at `now`, grouped by nothing: the caller sends each to its
 * queue. Ends the redrive when no dead-lettered message is left.
 */
export function redriveBatch(
  sql: SqlPort,
  meta: QueueMeta,
  now: number,
  limit: number,
): RedriveItem[] {
  const r = meta.redrive;
  if (!r) return [];
  const allowed = Math.min(limit, Math.floor(((now - r.at) / 1000) * r.rate));
  if (allowed < 1) return [];
  const rows = sql.all<{ seq: number; body: string; origin_queue: string }>(
    `SELECT seq, body, origin_queue FROM message
     WHERE origin_queue IS NOT NULL AND visible_at <= ? ORDER BY seq LIMIT ?`,
    now,
    allowed,
  );
  if (rows.length === 0) {
    const left = sql.first("SELECT 1 AS left FROM message WHERE origin_queue IS NOT NULL LIMIT 1");
    if (!left) meta.redrive = null;
    return [];
  }
  return rows.map((row) => ({
    seq: row.seq,
    queue: row.origin_queue,
    key: `redrive:${meta.queueId}:${row.seq}`,
    body: row.body,
  }));
}

/** Deletes messages their source queues have taken back, and spends the rate budget. */
export function redriven(
  sql: SqlPort,
  meta: QueueMeta,
  seqs: readonly number[],
  now: number,
): void {
  for (const chunk of boundChunks(seqs)) {
    const gone = sql.all<{ seq: number; visible_at: number; dequeue_count: number }>(
      `DELETE FROM message WHERE seq IN ${inList(chunk.length)} RETURNING seq, visible_at, dequeue_count`,
      ...chunk,
    );
    for (const row of gone) count(meta.counters, classify(meta.watermark, row), -1);
    meta.redriveMoved += gone.length;
    // Only dead letters are redriven (redriveBatch).
    meta.totals.redriven += gone.length;
    meta.deadLetterCount -= gone.length;
  }
  if (meta.redrive) meta.redrive = { ...meta.redrive, moved: meta.redriveMoved, at: now };
}
