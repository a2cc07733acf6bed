/**
 * Send and receive rates, and the last hour's series, from what EdgeListQueueMetrics and
 * EdgeGetQueueMetrics answer: monotonic totals (two readings give a rate over the time between
 * them) and a per-minute history (a first reading's rate is the last whole minute's). Pure, so
 * the arithmetic is tested without a browser.
 * @module
 */
import type { EdgeMinute, QueueTotals } from "cmq-edge/client/http";

/** One reading of a queue: its totals, when they were read, and its history. */
export interface Reading {
  atMs: number;
  totals: QueueTotals;
  history: readonly EdgeMinute[];
}

export interface Rates {
  /** Messages a second. */
  sent: number;
  received: number;
}

/**
 * Rates between two readings of one queue; without an earlier one (or when the totals went back,
 * a queue deleted and created again), the last whole minute of the history.
 */
export function ratesOf(current: Reading, previous?: Reading): Rates {
  const seconds = previous ? (current.atMs - previous.atMs) / 1000 : 0;
  if (
    previous &&
    seconds > 0 &&
    current.totals.sent >= previous.totals.sent &&
    current.totals.received >= previous.totals.received
  ) {
    return {
      sent: (current.totals.sent - previous.totals.sent) / seconds,
      received: (current.totals.received - previous.totals.received) / seconds,
    };
  }
  // The last row is the current minute, still counting: the one before it is whole.
  const whole = current.history.at(-2);
  return whole
    ? { sent: whole.sent / 60, received: whole.received / 60 }
    : { sent: 0, received: 0 };
}

/** Several queues' histories added up minute by minute, oldest first. */
export function sumHistories(histories: readonly (readonly EdgeMinute[])[]): EdgeMinute[] {
  const byTime = new Map<number, EdgeMinute>();
  for (const history of histories) {
    for (const row of history) {
      const sum = byTime.get(row.time) ?? {
        time: row.time,
        depth: 0,
        sent: 0,
        received: 0,
        deleted: 0,
      };
      sum.depth += row.depth;
      sum.sent += row.sent;
      sum.received += row.received;
      sum.deleted += row.deleted;
      byTime.set(row.time, sum);
    }
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/**
 * How far a redrive has come: messages moved of those the dead-letter queue held when it
 * started (more may arrive meanwhile, so it is capped at 1); 1 once the queue says it is idle.
 */
export function redriveProgress(moved: number, heldAtStart: number, running: boolean): number {
  if (!running) return 1;
  if (heldAtStart <= 0) return 0;
  return Math.min(1, moved / heldAtStart);
}
