/**
 * RewindQueue: every message enqueued at or after the start time becomes deliverable again, in
 * production order. The job is stored in the queue's metadata and applied in bounded chunks of seq
 * range (the first one inside the request, the rest by the alarm), so rewinding a million messages
 * never stalls a request.
 * @module
 */
import { fail } from "../errors";
import { CHORE_CHUNK_ROWS } from "../limits";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";

interface SeqTime {
  [column: string]: number;
  seq: number;
  enqueued_at: number;
}

/** The first row (live or rewindable) with seq ≥ `seq`. */
function firstRowFrom(sql: SqlPort, seq: number): SeqTime | undefined {
  const live = sql.first<SeqTime>(
    "SELECT seq, enqueued_at FROM message WHERE seq >= ? ORDER BY seq LIMIT 1",
    seq,
  );
  const kept = sql.first<SeqTime>(
    "SELECT seq, enqueued_at FROM rewindable WHERE seq >= ? ORDER BY seq LIMIT 1",
    seq,
  );
  if (!live) return kept;
  if (!kept) return live;
  return live.seq < kept.seq ? live : kept;
}

/**
 * The first seq enqueued at or after `time`. Enqueue times grow with seq, so this is a binary
 * search over seq using primary-key probes: O(log² n) without an index on enqueued_at.
 */
function firstSeqEnqueuedFrom(sql: SqlPort, time: number, endSeq: number): number | null {
  let lo = 0;
  let hi = endSeq;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = firstRowFrom(sql, mid);
    if (!row || row.enqueued_at >= time) hi = mid;
    else lo = row.seq + 1;
  }
  const row = firstRowFrom(sql, lo);
  return row && row.enqueued_at >= time ? row.seq : null;
}

/**
 * Starts a rewind to `startSeconds` and applies its first chunk. Mutates `meta`.
 * In: startConsumeTime (Unix s), now. Out: meta.rewindJob, first chunk applied.
 * Fails: queueNotRewindable (rewindSeconds 0), rewindTimeInvalid (outside the rewind window).
 */
export function startRewind(
  sql: SqlPort,
  meta: QueueMeta,
  startSeconds: number,
  now: number,
): void {
  const window = meta.attributes.rewindSeconds;
  if (window === 0) fail({ kind: "queueNotRewindable", queue: meta.name });
  const latest = Math.floor(now / 1000);
  const earliest = latest - window;
  if (startSeconds < earliest || startSeconds > latest) {
    fail({ kind: "rewindTimeInvalid", earliest, latest });
  }
  const first = firstSeqEnqueuedFrom(sql, startSeconds * 1000, meta.nextSeq);
  meta.rewindJob = first === null ? null : { cursor: first, last: meta.nextSeq - 1, at: now };
  continueRewind(sql, meta);
}

/** The seq that ends a chunk starting at `cursor` in `table`, or undefined when fewer rows remain. */
function chunkEnd(sql: SqlPort, table: "message" | "rewindable", cursor: number, last: number) {
  return sql.first<{ seq: number }>(
    `SELECT seq FROM ${table} WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT 1 OFFSET ?`,
    cursor,
    last,
    CHORE_CHUNK_ROWS - 1,
  )?.seq;
}

/**
 * Applies the next chunk of a running rewind. Mutates `meta`; returns true when more remains.
 * In: meta.rewindJob. Out: the chunk's rows visible again, rewindable rows moved back.
 *
 * Rows come back with visible_at = enqueued_at, so whatever chunk they were applied in, receive
 * (ordered by visible_at, seq) hands them out in production order. Rows received or deleted after
 * the rewind started (job.at) are left alone: a later chunk must not undo a consumer's work.
 */
export function continueRewind(sql: SqlPort, meta: QueueMeta): boolean {
  const job = meta.rewindJob;
  if (!job) return false;
  const end = Math.min(
    chunkEnd(sql, "message", job.cursor, job.last) ?? job.last,
    chunkEnd(sql, "rewindable", job.cursor, job.last) ?? job.last,
  );
  // In-flight and visible rows show again; delayed ones keep their delay.
  const shownWhere = `seq BETWEEN ?1 AND ?2 AND last_dequeued_at <= ?3
     AND (dequeue_count > 0 OR visible_at <= ?3)`;
  const shown = sql.all<{
    seq: number;
    visible_at: number;
    dequeue_count: number;
    enqueued_at: number;
  }>(
    `SELECT seq, visible_at, dequeue_count, enqueued_at FROM message WHERE ${shownWhere}`,
    job.cursor,
    end,
    job.at,
  );
  for (const row of shown) {
    count(meta.counters, classify(meta.watermark, row), -1);
    count(meta.counters, classify(meta.watermark, { ...row, visible_at: row.enqueued_at }), 1);
  }
  sql.run(
    `UPDATE message SET visible_at = enqueued_at WHERE ${shownWhere}`,
    job.cursor,
    end,
    job.at,
  );
  const revivedWhere = "seq BETWEEN ?1 AND ?2 AND deleted_at <= ?3";
  const revived = sql.all<{
    seq: number;
    dequeue_count: number;
    enqueued_at: number;
    dead_letter: number;
  }>(
    `INSERT INTO message (seq, body, enqueued_at, visible_at, first_dequeued_at, dequeue_count,
       last_dequeued_at, origin_queue, origin_pub_time, origin_dequeue_count, purge_gen)
     SELECT seq, body, enqueued_at, enqueued_at, first_dequeued_at, dequeue_count,
       0, origin_queue, origin_pub_time, origin_dequeue_count, ?4 FROM rewindable
     WHERE ${revivedWhere}
     RETURNING seq, dequeue_count, enqueued_at, origin_queue IS NOT NULL AS dead_letter`,
    job.cursor,
    end,
    job.at,
    // Brought back after any purge so far: a running one must not remove it (purge.ts).
    meta.purgeGen,
  );
  sql.run(`DELETE FROM rewindable WHERE ${revivedWhere}`, job.cursor, end, job.at);
  meta.counters.rewindable -= revived.length;
  for (const row of revived) {
    count(meta.counters, classify(meta.watermark, { ...row, visible_at: row.enqueued_at }), 1);
    meta.deadLetterCount += row.dead_letter;
  }
  meta.rewindJob = end >= job.last ? null : { ...job, cursor: end + 1 };
  return meta.rewindJob !== null;
}
