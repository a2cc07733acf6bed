/**
 * ClearCmqQueue: every message the queue holds when the purge starts is removed, in bounded chunks
 * of seq range like retention's, so the queue keeps serving between them and no single request or
 * alarm run pays for a million rows. Messages sent after the start have higher seqs; rows a rewind
 * or a commit brings back meanwhile carry the new generation (purge_gen); both stay.
 * Transaction messages awaiting a decision and deleted-but-rewindable rows are not messages of the
 * queue yet or any more, and stay too.
 * @module
 */
import { CHORE_CHUNK_ROWS } from "../limits";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";
import { trace } from "./trace";

/**
 * Starts a purge of what the queue holds now. Mutates `meta` (generation, job).
 * In: meta. Out: meta.purgeJob over seqs up to the last assigned. Fails: never.
 */
export function startPurge(sql: SqlPort, meta: QueueMeta): void {
  meta.purgeGen += 1;
  const first = sql.first<{ seq: number }>("SELECT seq FROM message ORDER BY seq LIMIT 1");
  meta.purgeJob = first ? { cursor: first.seq, last: meta.nextSeq - 1 } : null;
}

/**
 * Removes the next chunk of a running purge. Mutates `meta` (counters, job).
 * In: meta.purgeJob. Out: rows of older generations in the chunk deleted, counters lowered.
 * Returns how many messages went and whether more remain.
 */
export function continuePurge(
  sql: SqlPort,
  meta: QueueMeta,
  now: number,
): { purged: number; more: boolean } {
  const job = meta.purgeJob;
  if (!job) return { purged: 0, more: false };
  const rows = sql.all<{
    seq: number;
    visible_at: number;
    dequeue_count: number;
    dead_letter: number;
  }>(
    `SELECT seq, visible_at, dequeue_count, origin_queue IS NOT NULL AS dead_letter FROM message
     WHERE seq BETWEEN ? AND ? AND purge_gen < ? ORDER BY seq LIMIT ?`,
    job.cursor,
    job.last,
    meta.purgeGen,
    CHORE_CHUNK_ROWS,
  );
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last) {
    sql.run(
      "DELETE FROM message WHERE seq BETWEEN ? AND ? AND purge_gen < ?",
      first.seq,
      last.seq,
      meta.purgeGen,
    );
    for (const row of rows) {
      count(meta.counters, classify(meta.watermark, row), -1);
      meta.deadLetterCount -= row.dead_letter;
    }
    meta.totals.purged += rows.length;
    trace(
      sql,
      meta,
      now,
      rows.map((row) => ({ seq: row.seq, event: "purged" })),
    );
  }
  const more = rows.length === CHORE_CHUNK_ROWS && last !== undefined && last.seq < job.last;
  meta.purgeJob = more && last ? { ...job, cursor: last.seq + 1 } : null;
  return { purged: rows.length, more };
}
