/**
 * Message trace (cmq-edge's own, after CMQ's): while a queue's trace attribute is 1, each step of a
 * message's life is recorded — sent (how, by which client), each delivery (with its receipt
 * handle), deleted, dead-lettered, expired, committed or rolled back — in the same transaction as
 * the step, one multi-row insert per operation. Events are kept for msgRetentionSeconds plus a
 * day, so the story of a message that expired can still be read after it is gone.
 * @module
 */
import { CHORE_CHUNK_ROWS } from "../limits";

const KEEP_AFTER_RETENTION_MS = 24 * 3600 * 1000;

function keepMs(meta: QueueMeta): number {
  return meta.attributes.msgRetentionSeconds * 1000 + KEEP_AFTER_RETENTION_MS;
}

import { placeholders, rowsPerStatement, type SqlPort } from "../sql";
import type { QueueMeta } from "./meta";

export type TraceEventName =
  | "sent"
  | "delivered"
  | "deleted"
  | "deadLettered"
  | "expired"
  | "committed"
  | "rolledBack"
  | "rewound"
  /** Removed by ClearCmqQueue (purge.ts). */
  | "purged"
  /** Taken for a receiver whose client was gone: visible again, the receive not counted. */
  | "returnedUnread"
  /** Its consumer moved its nextVisibleTime (change-visibility.ts). */
  | "visibilityChanged";

/** How a message arrived: the transport and the client that sent it. */
export interface Origin {
  via: "http" | "tcp" | "topic" | "handOff";
  client: string;
}

export interface TraceEvent {
  seq: number;
  event: TraceEventName;
  detail?: Record<string, string | number>;
}

const COLUMNS = 4;

/** Records events when the queue traces; costs nothing otherwise. */
export function trace(
  sql: SqlPort,
  meta: QueueMeta,
  now: number,
  events: readonly TraceEvent[],
): void {
  if (meta.attributes.trace !== 1 || events.length === 0) return;
  const per = rowsPerStatement(COLUMNS);
  for (let i = 0; i < events.length; i += per) {
    const chunk = events.slice(i, i + per);
    sql.run(
      `INSERT INTO trace_event (seq, at, event, detail) VALUES ${placeholders(chunk.length, COLUMNS)}`,
      ...chunk.flatMap((e) => [e.seq, now, e.event, e.detail ? JSON.stringify(e.detail) : null]),
    );
  }
}

export interface TraceEntry {
  /** Unix ms. */
  at: number;
  event: TraceEventName;
  detail: Record<string, string | number>;
}

export function readTrace(sql: SqlPort, seq: number): TraceEntry[] {
  return sql
    .all<{ at: number; event: string; detail: string | null }>(
      "SELECT at, event, detail FROM trace_event WHERE seq = ? ORDER BY id",
      seq,
    )
    .map((r) => ({
      at: r.at,
      event: r.event as TraceEventName,
      detail: r.detail ? JSON.parse(r.detail) : {},
    }));
}

/** Forgets events older than the queue's retention, a chunk at a time; true when more may remain. */
export function forgetTrace(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const gone = sql.all(
    `DELETE FROM trace_event WHERE id IN
       (SELECT id FROM trace_event WHERE at < ? ORDER BY at LIMIT ?) RETURNING id`,
    now - keepMs(meta),
    CHORE_CHUNK_ROWS,
  );
  return gone.length === CHORE_CHUNK_ROWS;
}

/** When the oldest event falls out of retention, or null. */
export function nextTraceExpiry(sql: SqlPort, meta: QueueMeta): number | null {
  const oldest = sql.first<{ at: number | null }>("SELECT MIN(at) AS at FROM trace_event")?.at;
  return oldest == null ? null : oldest + keepMs(meta);
}
