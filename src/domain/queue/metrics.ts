/**
 * A queue's stored metrics: monotonic totals of what happened to its messages (columns of
 * queue_meta, raised in the transaction of the change they count, so they survive restarts and
 * cost no statement of their own), and a per-minute history of the last hour in a 60-row ring
 * written at most once a minute. Read by EdgeGetQueueMetrics and GET /metrics; never a scan.
 * @module
 */
import type { SqlPort } from "../sql";
import type { QueueMeta } from "./meta";
import type { QueueView } from "./queue-store";
import { mergeViews } from "./sharding";

/** Messages over the queue's life, each a Prometheus counter (they never go down). */
export interface QueueTotals {
  /** Stored by sends (a transaction message when committed). */
  sent: number;
  /** Handed out by receives, each delivery counted (a redelivery again). */
  received: number;
  /** Acknowledged by a delete. */
  deleted: number;
  /** Moved to the dead-letter queue. */
  deadLettered: number;
  /** Removed by retention before anyone deleted them. */
  expired: number;
  /** Handed back to their source queues by a redrive of this dead-letter queue. */
  redriven: number;
  /** Removed by ClearCmqQueue. */
  purged: number;
}

export const QUEUE_TOTAL_NAMES = [
  "sent",
  "received",
  "deleted",
  "deadLettered",
  "expired",
  "redriven",
  "purged",
] as const satisfies readonly (keyof QueueTotals)[];

export function zeroTotals(): QueueTotals {
  return { sent: 0, received: 0, deleted: 0, deadLettered: 0, expired: 0, redriven: 0, purged: 0 };
}

/** The minutes the history keeps: one ring slot each. */
export const HISTORY_MINUTES = 60;
const MINUTE_MS = 60_000;

/** One minute of the queue: depth at its end, and what happened during it. */
export interface MinuteStats {
  /** The minute's start, Unix ms. */
  minute: number;
  depth: number;
  sent: number;
  received: number;
  deleted: number;
}

/** What EdgeGetQueueMetrics and GET /metrics read of a queue (one shard, or all added up). */
export interface QueueMetrics {
  view: QueueView;
  /** Messages held here that a source queue dead-lettered (a dead-letter queue's backlog). */
  deadLetterMsgNum: number;
  totals: QueueTotals;
  /** Oldest minute first, the current (unfinished) one last; absent when not asked for. */
  history?: MinuteStats[];
}

interface Snapshot {
  [column: string]: number;
  minute: number;
  depth: number;
  sent: number;
  received: number;
  deleted: number;
}

/**
 * Before a change at `now`: the first change of a minute stores the values as they stood when the
 * minute began (nothing changed since the last change, in an earlier minute), in the minute's
 * ring slot. So a minute without a row had no change, and a minute's activity is the difference
 * to the next row. Mutates meta.historyMinute. Costs one comparison, and one write a minute.
 */
export function recordMinute(sql: SqlPort, meta: QueueMeta, now: number): void {
  const minute = Math.floor(now / MINUTE_MS);
  if (minute <= meta.historyMinute) return;
  meta.historyMinute = minute;
  const t = meta.totals;
  sql.run(
    `INSERT OR REPLACE INTO metric_minute (slot, minute, depth, sent, received, deleted)
     VALUES (?, ?, ?, ?, ?, ?)`,
    minute % HISTORY_MINUTES,
    minute,
    meta.counters.total,
    t.sent,
    t.received,
    t.deleted,
  );
}

/**
 * The last HISTORY_MINUTES minutes up to `now`'s, from the ring and the current values: 60 reads
 * of one small table, whatever the queue holds.
 */
export function readHistory(sql: SqlPort, meta: QueueMeta, now: number): MinuteStats[] {
  const current = Math.floor(now / MINUTE_MS);
  const first = current - HISTORY_MINUTES + 1;
  const rows = sql.all<Snapshot>(
    "SELECT minute, depth, sent, received, deleted FROM metric_minute WHERE minute BETWEEN ? AND ? ORDER BY minute",
    first,
    current,
  );
  const t = meta.totals;
  const live: Snapshot = {
    minute: current + 1,
    depth: meta.counters.total,
    sent: t.sent,
    received: t.received,
    deleted: t.deleted,
  };
  const history: MinuteStats[] = [];
  // rows[next] is the first row at or after `minute`: the values as that minute began.
  let next = 0;
  for (let minute = first; minute <= current; minute++) {
    if (rows[next]?.minute === minute - 1) next++;
    const start = rows[next] ?? live;
    const changed = start.minute === minute;
    // The values as the next minute began; a minute without a row changed nothing.
    const after = (changed ? rows[next + 1] : start) ?? live;
    history.push({
      minute: minute * MINUTE_MS,
      depth: after.depth,
      sent: changed ? after.sent - start.sent : 0,
      received: changed ? after.received - start.received : 0,
      deleted: changed ? after.deleted - start.deleted : 0,
    });
  }
  return history;
}

/** A sharded queue's metrics from its shards' (shard 0 first): everything adds up. */
export function mergeMetrics(shards: readonly QueueMetrics[]): QueueMetrics {
  const [primary, ...rest] = shards;
  if (!primary) throw new Error("mergeMetrics: no shards");
  const totals = { ...primary.totals };
  let deadLetterMsgNum = primary.deadLetterMsgNum;
  const history = primary.history?.map((m) => ({ ...m }));
  for (const shard of rest) {
    for (const name of QUEUE_TOTAL_NAMES) totals[name] += shard.totals[name];
    deadLetterMsgNum += shard.deadLetterMsgNum;
    // Shards read their clocks apart: a minute only one of them has reached is left out.
    const byMinute = new Map(shard.history?.map((m) => [m.minute, m]));
    for (const m of history ?? []) {
      const other = byMinute.get(m.minute);
      if (!other) continue;
      m.depth += other.depth;
      m.sent += other.sent;
      m.received += other.received;
      m.deleted += other.deleted;
    }
  }
  return {
    view: mergeViews(shards.map((s) => s.view)),
    deadLetterMsgNum,
    totals,
    ...(history ? { history } : {}),
  };
}
