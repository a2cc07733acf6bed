/** The console's arithmetic, without a browser: rates from totals, summed histories, redrive progress. */

import type { EdgeMinute, QueueTotals } from "cmq-edge/client/http";
import { describe, expect, it } from "vitest";
import { ratesOf, redriveProgress, sumHistories } from "../../console/src/rates";

const totals = (sent: number, received: number): QueueTotals => ({
  sent,
  received,
  deleted: 0,
  deadLettered: 0,
  expired: 0,
  redriven: 0,
  purged: 0,
});

const minute = (time: number, depth: number, sent = 0, received = 0): EdgeMinute => ({
  time,
  depth,
  sent,
  received,
  deleted: 0,
});

describe("ratesOf", () => {
  it("divides what the totals grew by the seconds between two readings", () => {
    const previous = { atMs: 10_000, totals: totals(100, 40), history: [] };
    const current = { atMs: 14_000, totals: totals(180, 60), history: [] };
    expect(ratesOf(current, previous)).toEqual({ sent: 20, received: 5 });
  });

  it("takes the last whole minute of the history for a first reading, not the current one", () => {
    const history = [minute(0, 5, 600, 120), minute(60, 9, 30, 0)];
    expect(ratesOf({ atMs: 70_000, totals: totals(630, 120), history })).toEqual({
      sent: 10,
      received: 2,
    });
  });

  it("falls back to the history when the totals went back (the queue was created again)", () => {
    const history = [minute(0, 0, 60, 60), minute(60, 0)];
    const previous = { atMs: 0, totals: totals(500, 500), history };
    const current = { atMs: 3000, totals: totals(3, 1), history };
    expect(ratesOf(current, previous)).toEqual({ sent: 1, received: 1 });
  });

  it("is zero for a queue with no history and no earlier reading", () => {
    expect(ratesOf({ atMs: 1, totals: totals(0, 0), history: [minute(0, 0)] })).toEqual({
      sent: 0,
      received: 0,
    });
  });
});

describe("sumHistories", () => {
  it("adds queues up minute by minute, oldest first, whichever minutes each has", () => {
    const a = [minute(120, 1, 1, 0), minute(180, 2, 2, 1)];
    const b = [minute(60, 5, 0, 0), minute(180, 3, 1, 1)];
    expect(sumHistories([a, b])).toEqual([
      minute(60, 5, 0, 0),
      minute(120, 1, 1, 0),
      minute(180, 5, 3, 2),
    ]);
    expect(sumHistories([])).toEqual([]);
  });
});

describe("redriveProgress", () => {
  it("is the share moved of what the queue held at the start, capped at 1, and 1 once idle", () => {
    expect(redriveProgress(2, 8, true)).toBe(0.25);
    expect(redriveProgress(12, 8, true)).toBe(1);
    expect(redriveProgress(0, 0, true)).toBe(0);
    expect(redriveProgress(3, 8, false)).toBe(1);
  });
});
