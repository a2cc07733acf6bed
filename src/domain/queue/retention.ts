/**
 * Retention: messages older than msgRetentionSeconds, and deleted messages older than the rewind
 * window, are removed oldest first in bounded chunks by the object's alarm — never by a request
 * scanning the table. Receive already skips expired rows (receive.ts). Enqueue times grow with seq,
 * so the expired rows are a prefix of each table in primary-key order.
 * @module
 */
import { earliest } from "../chore-report";
import { CHORE_CHUNK_ROWS } from "../limits";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";
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
}

/** The expired prefix (up to one chunk) of `table` in seq order. */
function expiredPrefix(sql: SqlPort, table: "message" | "rewindable", cutoff: number): FrontRow[] {
  // Most runs find nothing expired: look at the oldest row before reading a chunk.
  const oldest = sql.first<{ enqueued_at: number }>(
    `SELECT enqueued_at FROM ${table} ORDER BY seq LIMIT 1`,
  );
  if (!oldest || oldest.enqueued_at >= cutoff) return [];
  const columns =
    table === "message" ? "seq, enqueued_at, visible_at, dequeue_count" : "seq, enqueued_at";
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
  for (const row of rows) count(meta.counters, classify(meta.watermark, row), -1);
  return rows.length === CHORE_CHUNK_ROWS;
}

/** Removes up to one chunk of rewindable rows past the rewind window; true when more may remain. */
export function expireRewindable(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const rows = expiredPrefix(sql, "rewindable", now - rewindKeepMs(meta));
  deleteRange(sql, "rewindable", rows);
  meta.counters.rewindable -= rows.length;
  return rows.length === CHORE_CHUNK_ROWS;
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
