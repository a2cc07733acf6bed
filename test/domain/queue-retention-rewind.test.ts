import { describe, expect, it } from "vitest";
import { CHORE_CHUNK_ROWS, EXPIRY_LOOKAHEAD_ROWS } from "../../src/domain/limits";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

describe("retention", () => {
  it("never delivers a message older than msgRetentionSeconds, even before cleanup", () => {
    const q = newQueue({ msgRetentionSeconds: 60 });
    q.send(["old"]);
    q.send(["young"], T0 + 30 * S);
    const got = q.receive({ max: 16 }, T0 + 60 * S + 1);
    expect(got.map((m) => m.body)).toEqual(["young"]);
  });

  it("removes expired messages in bounded chunks by the chores and keeps counters exact", () => {
    const q = newQueue({ msgRetentionSeconds: 60 });
    const total = CHORE_CHUNK_ROWS * 2 + 5;
    for (let i = 0; i < total; i += 16)
      q.send(Array.from({ length: Math.min(16, total - i) }, () => "x"));
    q.send(["young"], T0 + 30 * S);
    expect(q.store.nextChoreAt(T0)).toBe(T0 + 60 * S);
    const now = T0 + 60 * S + 1;
    const reports = [q.store.chores(now), q.store.chores(now), q.store.chores(now)];
    expect(reports.map((r) => r.more)).toEqual([true, true, false]);
    expect(q.rowCount("message")).toBe(1);
    expect(reports[2]?.nextAt).toBe(T0 + 90 * S);
    expect(q.store.attributes(q.call, now)).toMatchObject({
      activeMsgNum: 1,
      minMsgTime: T0 + 30 * S,
    });
  });
});

describe("counts against retention, before the chores remove anything", () => {
  const counts = (q: ReturnType<typeof newQueue>, at: number) => {
    const v = q.store.attributes(q.call, at);
    return { active: v.activeMsgNum, inactive: v.inactiveMsgNum, delayed: v.delayMsgNum };
  };
  /** The same queue's counts once the chores have caught up at `at`. */
  const afterChores = (q: ReturnType<typeof newQueue>, at: number) => {
    while (q.store.chores(at).more);
    return counts(q, at);
  };

  it("counts no expired message, whichever state it expired in", () => {
    const q = newQueue({ msgRetentionSeconds: 60, visibilityTimeout: 300 });
    q.send(["active", "received"]);
    q.receive({ max: 1 }, T0);
    q.send(["delayed"], T0, 120);
    q.send(["young"], T0 + 30 * S);
    const at = T0 + 60 * S + 1;
    expect(counts(q, at)).toEqual({ active: 1, inactive: 0, delayed: 0 });
    expect(q.store.attributes(q.call, at).minMsgTime).toBe(T0 + 30 * S);
    expect(q.receive({ max: 16 }, at).map((m) => m.body)).toEqual(["young"]);
  });

  it("agrees with the counts after the chores, at every moment of a queue's life", () => {
    const q = newQueue({ msgRetentionSeconds: 60, visibilityTimeout: 20 });
    const total = CHORE_CHUNK_ROWS + 40;
    for (let i = 0; i < total; i += 16) {
      const at = T0 + Math.floor(i / 16) * S;
      q.send(
        Array.from({ length: Math.min(16, total - i) }, () => "x"),
        at,
        i % 32 === 0 ? 10 : 0,
      );
    }
    q.receive({ max: 16 }, T0 + 40 * S);
    for (const at of [T0 + 59 * S, T0 + 60 * S, T0 + 61 * S + 500, T0 + 75 * S, T0 + 200 * S]) {
      const before = counts(q, at);
      expect(before).toEqual(afterChores(q, at));
    }
    expect(counts(q, T0 + 200 * S)).toEqual({ active: 0, inactive: 0, delayed: 0 });
  });

  it("looks at most EXPIRY_LOOKAHEAD_ROWS ahead: a larger mass expiry is counted down by the chores", () => {
    const q = newQueue({ msgRetentionSeconds: 60 });
    const total = EXPIRY_LOOKAHEAD_ROWS + 200;
    for (let i = 0; i < total; i += 16)
      q.send(Array.from({ length: Math.min(16, total - i) }, () => "x"));
    const at = T0 + 61 * S;
    expect(counts(q, at).active).toBe(200);
    q.store.chores(at);
    expect(counts(q, at).active).toBe(0);
  });

  it("counts a message past its time to live as on its way to the dead-letter queue", () => {
    const policy = { deadLetterQueue: "dlq", policy: 1 as const, maxTimeToLive: 300 };
    const q = newQueue({ msgRetentionSeconds: 3600 }, T0, policy);
    q.send(["outlived"]);
    q.send(["young"], T0 + 200 * S);
    const at = T0 + 301 * S;
    const before = counts(q, at);
    expect(before.active).toBe(1);
    expect(before).toEqual(afterChores(q, at));
    expect(q.receive({ max: 16 }, at).map((m) => m.body)).toEqual(["young"]);
  });
});

describe("rewind", () => {
  it("is refused when rewindSeconds is 0", () => {
    const q = newQueue();
    expect(() => q.store.rewind(q.call, T0 / S, T0)).toThrow(/cannot be rewinded/);
  });

  it("is refused for a start time outside the rewind window", () => {
    const q = newQueue({ rewindSeconds: 100 });
    const now = T0 + 1000 * S;
    expect(() => q.store.rewind(q.call, (now - 101 * S) / S, now)).toThrow(/invalid rewind time/);
    expect(() => q.store.rewind(q.call, (now + S) / S, now)).toThrow(/invalid rewind time/);
  });

  it("keeps deleted messages and makes everything enqueued from the start time deliverable again", () => {
    const q = newQueue({ rewindSeconds: 3600, visibilityTimeout: 30 });
    q.send(["before"]);
    q.send(["a", "b"], T0 + 10 * S);
    q.send(["c"], T0 + 20 * S);
    const got = q.receive({ max: 16 }, T0 + 21 * S);
    const results = q.store.delete(
      q.call,
      got.slice(0, 3).map((m) => m.receiptHandle),
      T0 + 22 * S,
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(q.store.attributes(q.call, T0 + 22 * S)).toMatchObject({
      rewindMsgNum: 3,
      inactiveMsgNum: 1,
    });
    q.store.rewind(q.call, (T0 + 10 * S) / S, T0 + 23 * S);
    const again = q.receive({ max: 16 }, T0 + 23 * S);
    expect(again.map((m) => m.body)).toEqual(["a", "b", "c"]);
    expect(again[0]?.dequeueCount).toBe(2);
    expect(q.store.attributes(q.call, T0 + 23 * S)).toMatchObject({
      rewindMsgNum: 1,
      activeMsgNum: 0,
      inactiveMsgNum: 3,
    });
  });

  it("applies a large rewind in chunks, the rest by the chores", () => {
    const q = newQueue({ rewindSeconds: 3600, visibilityTimeout: 30 });
    const total = CHORE_CHUNK_ROWS + 100;
    for (let i = 0; i < total; i += 16)
      q.send(Array.from({ length: Math.min(16, total - i) }, (_, k) => `${i + k}`));
    for (;;) {
      const got = q.receive({ max: 16 }, T0 + S);
      if (got.length === 0) break;
      q.store.delete(
        q.call,
        got.map((m) => m.receiptHandle),
        T0 + S,
      );
    }
    expect(q.rowCount("rewindable")).toBe(total);
    q.store.rewind(q.call, T0 / S, T0 + 2 * S);
    expect(q.rowCount("rewindable")).toBe(100);
    expect(q.store.chores(T0 + 2 * S).more).toBe(false);
    expect(q.rowCount("rewindable")).toBe(0);
    expect(q.store.attributes(q.call, T0 + 2 * S)).toMatchObject({
      activeMsgNum: total,
      rewindMsgNum: 0,
    });
    const first = q.receive({ max: 3 }, T0 + 3 * S).map((m) => m.body);
    expect(first).toEqual(["0", "1", "2"]);
  });

  it("hands rewound messages out in production order while later chunks are still pending", () => {
    const q = newQueue({ rewindSeconds: 3600, visibilityTimeout: 30 });
    const total = CHORE_CHUNK_ROWS + 500;
    for (let i = 0; i < total; i += 16) {
      q.send(
        Array.from({ length: Math.min(16, total - i) }, (_, k) => `m${i + k}`),
        T0 + i,
      );
    }
    q.store.rewind(q.call, T0 / S, T0 + 10 * S);
    expect(q.receive({ max: 4 }, T0 + 10 * S).map((m) => m.body)).toEqual(["m0", "m1", "m2", "m3"]);
  });

  it("does not undo, in later chunks, what consumers did after the rewind started", () => {
    const q = newQueue({ rewindSeconds: 3600, visibilityTimeout: 30 });
    const total = CHORE_CHUNK_ROWS + 500;
    for (let i = 0; i < total; i += 16)
      q.send(Array.from({ length: Math.min(16, total - i) }, (_, k) => `m${i + k}`));
    for (;;) {
      const got = q.receive({ max: 16 }, T0 + S);
      if (got.length === 0) break;
      q.store.delete(
        q.call,
        got.map((m) => m.receiptHandle),
        T0 + S,
      );
    }
    q.store.rewind(q.call, T0 / S, T0 + 2 * S);
    // Consume everything visible now (the first chunk), deleting half and holding half in flight.
    const taken: string[] = [];
    for (;;) {
      const got = q.receive({ max: 16 }, T0 + 3 * S);
      if (got.length === 0) break;
      taken.push(...got.map((m) => m.body));
      q.store.delete(
        q.call,
        got.filter((_, i) => i % 2 === 0).map((m) => m.receiptHandle),
        T0 + 3 * S,
      );
    }
    q.store.chores(T0 + 4 * S);
    const later: string[] = [];
    for (;;) {
      const got = q.receive({ max: 16 }, T0 + 5 * S);
      if (got.length === 0) break;
      later.push(...got.map((m) => m.body));
    }
    expect(later.filter((b) => taken.includes(b))).toEqual([]);
    expect(new Set([...taken, ...later]).size).toBe(total);
  });

  it("drops deleted messages once they fall out of the rewind window", () => {
    const q = newQueue({ rewindSeconds: 60 });
    q.send(["m"]);
    const [m] = q.receive({ max: 1 }, T0);
    q.store.delete(q.call, [m?.receiptHandle ?? 0n], T0);
    expect(q.store.nextChoreAt(T0)).toBe(T0 + 60 * S);
    q.store.chores(T0 + 60 * S + 1);
    expect(q.store.attributes(q.call, T0 + 60 * S + 1)).toMatchObject({ rewindMsgNum: 0 });
  });

  it("refuses rewindSeconds greater than msgRetentionSeconds", () => {
    const q = newQueue({ msgRetentionSeconds: 60 });
    expect(() => q.store.setAttributes(q.call, { rewindSeconds: 61 }, T0)).toThrow(/rewindSeconds/);
    expect(q.store.attributes(q.call, T0).attributes.rewindSeconds).toBe(0);
  });
});

describe("request stamps", () => {
  it("refuses a stamp seen before and forgets it after it expires", () => {
    const q = newQueue();
    const stamp = { key: 7, expiresAt: T0 + 900 * S };
    q.store.attributes({ queue: "q", stamp }, T0);
    expect(() => q.store.attributes({ queue: "q", stamp }, T0 + 1)).toThrow(/already executed/);
    q.store.chores(T0 + 900 * S + 1);
    expect(() => q.store.attributes({ queue: "q", stamp }, T0 + 900 * S + 2)).not.toThrow();
  });

  it("does not record the stamp of a request that failed", () => {
    const q = newQueue({ msgRetentionSeconds: 60 });
    const stamp = { key: 9, expiresAt: T0 + 900 * S };
    expect(() => q.store.setAttributes({ queue: "q", stamp }, { rewindSeconds: 61 }, T0)).toThrow();
    expect(() => q.store.attributes({ queue: "q", stamp }, T0)).not.toThrow();
  });
});
