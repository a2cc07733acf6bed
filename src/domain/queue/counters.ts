/**
 * Exact message counts without COUNT(*). A message's class depends on time: a delayed or in-flight
 * message becomes active when its visible_at passes. The watermark records how far in
 * (visible_at, seq) order those transitions have been counted; settling walks the visibility index
 * from the watermark to `now` in bounded chunks, so each transition is counted exactly once.
 * @module
 */
import { CHORE_CHUNK_ROWS } from "../limits";
import type { SqlPort } from "../sql";
import type { Counters, QueueMeta, Watermark } from "./meta";

export type MessageClass = "active" | "delayed" | "inflight";

/** Above every real seq: a watermark at (now, SETTLED_ALL) covers every row visible at `now`. */
const SETTLED_ALL = Number.MAX_SAFE_INTEGER;

export function classify(
  w: Watermark,
  row: { visible_at: number; seq: number; dequeue_count: number },
): MessageClass {
  const settled = row.visible_at < w.at || (row.visible_at === w.at && row.seq <= w.seq);
  if (settled) return "active";
  return row.dequeue_count > 0 ? "inflight" : "delayed";
}

/** Adds `delta` messages of class `cls` to the counters (delta < 0 removes). */
export function count(c: Counters, cls: MessageClass, delta: number): void {
  c.total += delta;
  if (cls === "delayed") c.delayed += delta;
  else if (cls === "inflight") c.inflight += delta;
}

/** Messages held against maxMsgHeapNum: live ones and transaction messages awaiting a decision. */
export function heldCount(c: Counters): number {
  return c.total + c.half;
}

/** This object's share of maxMsgHeapNum: a sharded queue splits it evenly over its shards. */
export function heapLimit(meta: QueueMeta): number {
  return Math.ceil(meta.attributes.maxMsgHeapNum / meta.attributes.shards);
}

export function activeCount(c: Counters): number {
  return c.total - c.delayed - c.inflight;
}

/** Whether every transition up to `now` has been counted: each row visible at `now` is active. */
export function settledTo(meta: QueueMeta, now: number): boolean {
  return meta.watermark.at === now && meta.watermark.seq === SETTLED_ALL;
}

/**
 * Counts the delayed and in-flight messages that became visible since the watermark, up to one
 * chunk. Mutates `meta`; returns true when the chunk limit stopped it before `now`.
 * In: meta.watermark, now. Out: counters and watermark moved forward. Fails: never.
 */
export function settle(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const w = meta.watermark;
  if (w.at > now || (w.at === now && w.seq === SETTLED_ALL)) return false;
  // Nothing delayed or in flight: no row can become active, so there is nothing to walk.
  if (meta.counters.delayed === 0 && meta.counters.inflight === 0) {
    meta.watermark = { at: now, seq: SETTLED_ALL };
    return false;
  }
  const rows = sql.all<{ visible_at: number; seq: number; dequeue_count: number }>(
    `SELECT visible_at, seq, dequeue_count FROM message
     WHERE (visible_at, seq) > (?, ?) AND visible_at <= ?
     ORDER BY visible_at, seq LIMIT ?`,
    w.at,
    w.seq,
    now,
    CHORE_CHUNK_ROWS,
  );
  for (const row of rows) {
    const c = meta.counters;
    if (row.dequeue_count > 0) c.inflight -= 1;
    else c.delayed -= 1;
  }
  const last = rows.at(-1);
  if (rows.length === CHORE_CHUNK_ROWS && last) {
    meta.watermark = { at: last.visible_at, seq: last.seq };
    return true;
  }
  meta.watermark = { at: now, seq: SETTLED_ALL };
  return false;
}
