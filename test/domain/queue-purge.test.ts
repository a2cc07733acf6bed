/** ClearCmqQueue's purge (src/domain/queue/purge.ts): chunked, exact counters, later rows kept. */
import { describe, expect, it } from "vitest";
import { CHORE_CHUNK_ROWS } from "../../src/domain/limits";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

function fill(q: ReturnType<typeof newQueue>, total: number, at = T0) {
  for (let i = 0; i < total; i += 16)
    q.send(
      Array.from({ length: Math.min(16, total - i) }, (_, j) => `m${i + j}`),
      at,
    );
}

describe("purge", () => {
  it("removes active, delayed and in-flight messages in chunks, keeping counters exact", () => {
    const q = newQueue({ visibilityTimeout: 600 });
    const total = CHORE_CHUNK_ROWS * 2 + 7;
    fill(q, total);
    q.send(["later"], T0, 3600);
    expect(q.receive({ max: 16 }, T0 + S)).toHaveLength(16);
    const first = q.store.purge(q.call, T0 + 2 * S);
    expect(first).toEqual({ purged: CHORE_CHUNK_ROWS, more: true });
    // Oldest first: the 16 in flight went in the first chunk. What is left is still counted.
    expect(q.store.attributes(q.call, T0 + 2 * S)).toMatchObject({
      activeMsgNum: total - CHORE_CHUNK_ROWS,
      inactiveMsgNum: 0,
      delayMsgNum: 1,
    });
    const steps = [q.store.continuePurge(T0 + 3 * S), q.store.continuePurge(T0 + 3 * S)];
    expect(steps).toEqual([
      { purged: CHORE_CHUNK_ROWS, more: true },
      { purged: 8, more: false },
    ]);
    expect(q.rowCount("message")).toBe(0);
    expect(q.store.attributes(q.call, T0 + 4 * S)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
      delayMsgNum: 0,
    });
    expect(q.store.continuePurge(T0 + 4 * S)).toEqual({ purged: 0, more: false });
  });

  it("keeps what is sent while it runs, and the alarm's chores finish it", () => {
    const q = newQueue();
    fill(q, CHORE_CHUNK_ROWS + 3);
    expect(q.store.purge(q.call, T0 + S).more).toBe(true);
    q.send(["new"], T0 + 2 * S);
    expect(q.store.nextChoreAt(T0 + 2 * S)).toBe(T0 + 2 * S);
    q.store.chores(T0 + 3 * S);
    expect(q.receive({ max: 16 }, T0 + 4 * S).map((m) => m.body)).toEqual(["new"]);
  });

  it("keeps messages a rewind brings back after the purge started", () => {
    const q = newQueue({ rewindSeconds: 3600, visibilityTimeout: 600 });
    fill(q, CHORE_CHUNK_ROWS * 2 + 10);
    // Take 45 batches (oldest first) and delete the last three: rewindable rows with seqs above
    // where the purge's first chunk ends.
    const batches = Array.from({ length: 45 }, () => q.receive({ max: 16 }, T0 + S));
    const consumed = batches.slice(-3).flat();
    q.store.delete(
      q.call,
      consumed.map((m) => m.receiptHandle),
      T0 + S,
    );
    expect(q.store.purge(q.call, T0 + 2 * S).more).toBe(true);
    q.store.rewind(q.call, T0 / S, T0 + 3 * S);
    while (q.store.continuePurge(T0 + 4 * S).more);
    // The 48 consumed before the purge come back; none of the ones it removed do.
    const back = Array.from({ length: 4 }, () => q.receive({ max: 16 }, T0 + 5 * S)).flat();
    expect(back.map((m) => m.body).sort()).toEqual(consumed.map((m) => m.body).sort());
    expect(q.store.attributes(q.call, T0 + 5 * S)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 48,
    });
  });

  it("is refused for a missing queue", () => {
    const q = newQueue();
    expect(() => q.store.purge({ queue: "nope", shards: 2 }, T0)).toThrow();
  });
});
