/**
 * `stats` rates from a queue's last hour (EdgeGetQueueMetrics' `history`: one row a minute,
 * oldest first, the current unfinished minute last): messages a second over the last `minutes`
 * minutes, the current one counted for the part of it that has passed at `nowMs`.
 * @module
 */
import type { EdgeMinute } from "cmq-edge/client";

/** What a rate needs of a minute. */
type Counts = Pick<EdgeMinute, "time" | "sent" | "received" | "deleted">;

export interface Rates {
  sent: number;
  received: number;
  deleted: number;
}

export function ratesOf(history: readonly Counts[], minutes: number, nowMs: number): Rates {
  const rows = history.slice(-minutes);
  const last = rows.at(-1);
  if (!last) return { sent: 0, received: 0, deleted: 0 };
  // Whole minutes before the current one, and the seconds of it so far (at least one).
  const current = Math.min(60, Math.max(1, nowMs / 1000 - last.time));
  const seconds = (rows.length - 1) * 60 + current;
  const sum = (pick: (r: Counts) => number) => rows.reduce((n, r) => n + pick(r), 0) / seconds;
  return {
    sent: sum((r) => r.sent),
    received: sum((r) => r.received),
    deleted: sum((r) => r.deleted),
  };
}

/** A rate for a table: two decimals, and "0" for none at all. */
export function formatRate(perSecond: number): string {
  return perSecond === 0 ? "0" : perSecond.toFixed(2);
}
