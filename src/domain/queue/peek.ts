/**
 * EdgePeekMessages (cmq-edge's own): the messages a receive would take now, in the order it would
 * take them, and optionally those in flight — read without a single write, so looking (the CLI's
 * `peek`, the console) never changes visibility, dequeue counts, receipt handles or the trace.
 * @module
 */
import { messageIdOf } from "../ids";
import type { SqlPort } from "../sql";
import { DEAD } from "./dead-letter";
import type { QueueMeta } from "./meta";
import { receivableCutoff } from "./receive";

export interface PeekRequest {
  /** 1–16 of each list. */
  max: number;
  /** Also list messages in flight (received, not yet deleted or visible again). */
  inFlight: boolean;
}

export interface PeekedMessage {
  msgId: bigint;
  body: string;
  /** Unix milliseconds; firstDequeueTime is 0 for a message never received. */
  enqueueTime: number;
  firstDequeueTime: number;
  /** When it became (visible) or becomes (in flight) receivable. */
  nextVisibleTime: number;
  dequeueCount: number;
}

export interface PeekResult {
  visible: PeekedMessage[];
  inFlight: PeekedMessage[];
}

interface PeekRow {
  [column: string]: string | number;
  seq: number;
  body: string;
  enqueued_at: number;
  visible_at: number;
  first_dequeued_at: number;
  dequeue_count: number;
}

const COLUMNS = "seq, body, enqueued_at, visible_at, first_dequeued_at, dequeue_count";

/**
 * In: max, whether to list in-flight messages, now. Out: both lists, oldest visibility first.
 * Fails: never. Reads only: a receive's range minus what it would divert to the dead-letter queue
 * (dequeued maxReceiveCount times), and in flight what is neither expired nor being dead-lettered.
 */
export function peek(sql: SqlPort, meta: QueueMeta, request: PeekRequest, now: number): PeekResult {
  const cutoff = receivableCutoff(meta, now);
  const deadAfter = meta.deadLetterPolicy?.maxReceiveCount ?? Number.MAX_SAFE_INTEGER;
  const visible = sql.all<PeekRow>(
    `SELECT ${COLUMNS} FROM message
     WHERE visible_at >= ? AND visible_at <= ? AND enqueued_at >= ? AND dequeue_count < ?
     ORDER BY visible_at, seq LIMIT ?`,
    cutoff,
    now,
    cutoff,
    deadAfter,
    request.max,
  );
  const inFlight = request.inFlight
    ? sql.all<PeekRow>(
        `SELECT ${COLUMNS} FROM message
         WHERE visible_at > ? AND visible_at < ? AND dequeue_count > 0 AND enqueued_at >= ?
         ORDER BY visible_at, seq LIMIT ?`,
        now,
        DEAD,
        cutoff,
        request.max,
      )
    : [];
  const toMessage = (row: PeekRow): PeekedMessage => ({
    msgId: messageIdOf({ shard: meta.shard, seq: row.seq }),
    body: row.body,
    enqueueTime: row.enqueued_at,
    firstDequeueTime: row.first_dequeued_at,
    nextVisibleTime: row.visible_at,
    dequeueCount: row.dequeue_count,
  });
  return { visible: visible.map(toMessage), inFlight: inFlight.map(toMessage) };
}

/** A sharded queue's peek: the shards' lists merged by visibility (no order across shards). */
export function mergePeeks(results: readonly PeekResult[], max: number): PeekResult {
  const merge = (lists: PeekedMessage[][]) =>
    lists
      .flat()
      .sort((a, b) => a.nextVisibleTime - b.nextVisibleTime || a.enqueueTime - b.enqueueTime)
      .slice(0, max);
  return {
    visible: merge(results.map((r) => r.visible)),
    inFlight: merge(results.map((r) => r.inFlight)),
  };
}
