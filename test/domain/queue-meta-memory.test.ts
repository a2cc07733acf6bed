/**
 * The queue keeps its metadata row in memory between calls (queue-store.ts): what it answers from
 * memory must always be what storage holds, also after a call that failed half-way.
 */
import { describe, expect, it } from "vitest";
import { QueueStore } from "../../src/domain/queue/queue-store";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

describe("queue metadata held in memory", () => {
  it("forgets a change that a failing call made before it rolled back", () => {
    const q = newQueue({ msgRetentionSeconds: 3600, rewindSeconds: 0, visibilityTimeout: 30 });
    // The patch is applied to the metadata before the retention check refuses it.
    expect(() =>
      q.store.setAttributes(q.call, { visibilityTimeout: 99, rewindSeconds: 7200 }, T0 + S),
    ).toThrow();
    const fromMemory = q.store.attributes(q.call, T0 + 2 * S);
    expect(fromMemory.attributes.visibilityTimeout).toBe(30);
    expect(fromMemory.attributes.rewindSeconds).toBe(0);
    expect(new QueueStore(q.sql).attributes(q.call, T0 + 2 * S)).toEqual(fromMemory);
  });

  it("answers as a store reading storage afresh would, after sends, receives and deletes", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["a", "b", "c", "d"], T0);
    q.send(["e"], T0, 60);
    const taken = q.receive({ max: 2 }, T0 + S);
    q.store.delete(
      q.call,
      taken.slice(0, 1).map((m) => m.receiptHandle),
      T0 + 2 * S,
    );
    const now = T0 + 3 * S;
    const fromMemory = q.store.attributes(q.call, now);
    expect(fromMemory).toMatchObject({ activeMsgNum: 2, inactiveMsgNum: 1, delayMsgNum: 1 });
    expect(new QueueStore(q.sql).attributes(q.call, now)).toEqual(fromMemory);
  });
});
