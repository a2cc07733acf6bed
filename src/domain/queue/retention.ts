/**
 * Retention: messages older than msgRetentionSeconds, and deleted messages older than the rewind
 * window, are removed oldest first in bounded chunks by the object's alarm — never by a request
 * scanning the table. Receive already skips expired rows (receive.ts). Enqueue times grow with seq,
 * so the expired rows are a prefix of each table in primary-key order.
 * @module
 */
import { earliest } from "../chore-report";
import { CHORE_CHUNK_ROWS, EXPIRY_LOOKAHEAD_ROWS } from "../limits";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import { timeToLiveCutoff } from "./dead-letter";
import type { Counters, QueueMeta } from "./meta";
import { trace } from "./trace";

/** The oldest moment a live message may have been enqueued at. */
export function retentionCutoff(meta: QueueMeta, now: number): number {
  return now - meta.attributes.msgRetentionSeconds * 1000;
}

/** How long deleted messages are kept: while they can be rewound to, never past retention. */
function rewindKeepMs(meta: QueueMeta): number {
  return Math.min(meta.attributes.rewindSeconds, meta.attributes.msgRetentionSeconds) * 1000;
}

interface FrontRow {
  [column: string]: number;
  seq: number;
  enqueued_at: number;
  visible_at: number;
  dequeue_count: number;
  dead_letter: number;
}

/** The expired prefix (up to one chunk) of `table` in seq order. */
function expiredPrefix(sql: SqlPort, table: "message" | "rewindable", cutoff: number): FrontRow[] {
  // Most runs find nothing expired: look at the oldest row before reading a chunk.
  const oldest = sql.first<{ enqueued_at: number }>(
    `SELECT enqueued_at FROM ${table} ORDER BY seq LIMIT 1`,
  );
  if (!oldest || oldest.enqueued_at >= cutoff) return [];
  const columns =
    table === "message"
      ? "seq, enqueued_at, visible_at, dequeue_count, origin_queue IS NOT NULL AS dead_letter"
      : "seq, enqueued_at";
  const front = sql.all<FrontRow>(
    `SELECT ${columns} FROM ${table} ORDER BY seq LIMIT ?`,
    CHORE_CHUNK_ROWS,
  );
  const end = front.findIndex((row) => row.enqueued_at >= cutoff);
  return end === -1 ? front : front.slice(0, end);
}

function deleteRange(sql: SqlPort, table: "message" | "rewindable", rows: FrontRow[]): void {
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last) sql.run(`DELETE FROM ${table} WHERE seq BETWEEN ? AND ?`, first.seq, last.seq);
}

/**
 * Removes up to one chunk of expired live messages. Mutates `meta` (counters).
 * Returns true when the chunk was full, so more may remain.
 */
export function expireMessages(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const rows = expiredPrefix(sql, "message", retentionCutoff(meta, now));
  deleteRange(sql, "message", rows);
  trace(
    sql,
    meta,
    now,
    rows.map((row) => ({ seq: row.seq, event: "expired" })),
  );
  for (const row of rows) {
    count(meta.counters, classify(meta.watermark, row), -1);
    meta.deadLetterCount -= row.dead_letter;
  }
  meta.totals.expired += rows.length;
  return rows.length === CHORE_CHUNK_ROWS;
}

/** Removes up to one chunk of rewindable rows past the rewind window; true when more may remain. */
export function expireRewindable(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const rows = expiredPrefix(sql, "rewindable", now - rewindKeepMs(meta));
  deleteRange(sql, "rewindable", rows);
  meta.counters.rewindable -= rows.length;
  return rows.length === CHORE_CHUNK_ROWS;
}

/**
 * The counters as a receive at `now` sees the queue: until the chores reach them, expired messages
 * are still counted (and cannot be received), and under a time-to-live policy outlived ones are
 * still counted active (and go to the dead-letter queue instead). Both are a prefix of the message
 * table in seq order, so a read looks at that prefix only: one primary-key probe when it is empty
 * (attributes stay O(1) at any depth), and at most EXPIRY_LOOKAHEAD_ROWS rows otherwise. A larger
 * mass expiry is counted down as the chores remove it. `oldestLive` is the enqueue time of the
 * first unexpired message (0 when none).
 * A committed transaction message is enqueued at its commit, later than messages sent after its
 * half: those behind it, if they expire first, stay counted until it expires (the chores leave
 * them until then too).
 */
export function receivableCounters(
  sql: SqlPort,
  meta: QueueMeta,
  now: number,
): { counters: Counters; oldestLive: number } {
  const counters = { ...meta.counters };
  const expiry = retentionCutoff(meta, now);
  const cutoff = Math.max(expiry, timeToLiveCutoff(meta, now) ?? -Infinity);
  const oldest = sql.first<{ enqueued_at: number }>(
    "SELECT enqueued_at FROM message ORDER BY seq LIMIT 1",
  );
  if (!oldest || oldest.enqueued_at >= cutoff)
    return { counters, oldestLive: oldest?.enqueued_at ?? 0 };
  const w = meta.watermark;
  // One pass over the front rows: classes of the prefix before the first row past `cutoff`, and
  // the first unexpired enqueue time. The prefix is counted only where it ends within the front.
  const groups = sql.all<{
    n: number;
    expired: number;
    settled: number;
    received: number;
    live: number | null;
  }>(
    `WITH front AS MATERIALIZED (
       SELECT seq, enqueued_at, visible_at, dequeue_count FROM message ORDER BY seq LIMIT ?1),
     bound AS (SELECT MIN(seq) AS seq FROM front WHERE enqueued_at >= ?2)
     SELECT COUNT(*) AS n, enqueued_at < ?3 AS expired, (visible_at, seq) <= (?4, ?5) AS settled,
       dequeue_count > 0 AS received,
       (SELECT enqueued_at FROM front WHERE enqueued_at >= ?3 ORDER BY seq LIMIT 1) AS live
     FROM front WHERE seq < COALESCE((SELECT seq FROM bound), ?6) GROUP BY 2, 3, 4`,
    EXPIRY_LOOKAHEAD_ROWS,
    cutoff,
    expiry,
    w.at,
    w.seq,
    Number.MAX_SAFE_INTEGER,
  );
  for (const g of groups) {
    const cls = g.received ? "inflight" : "delayed";
    // Expired: out of every count. Outlived: an active one turns inactive, as markDead counts it.
    if (g.expired) count(counters, g.settled ? "active" : cls, -g.n);
    else if (g.settled) counters[cls] += g.n;
  }
  return { counters, oldestLive: groups[0]?.live ?? oldest.enqueued_at };
}

/** When the oldest live or rewindable message expires, or null when the queue holds none. */
export function nextExpiry(sql: SqlPort, meta: QueueMeta): number | null {
  const oldest = (table: string) =>
    sql.first<{ enqueued_at: number }>(`SELECT enqueued_at FROM ${table} ORDER BY seq LIMIT 1`)
      ?.enqueued_at;
  const live = oldest("message");
  const kept = oldest("rewindable");
  return earliest(
    live === undefined ? null : live + meta.attributes.msgRetentionSeconds * 1000,
    kept === undefined ? null : kept + rewindKeepMs(meta),
  );
}
