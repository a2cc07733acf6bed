import { describe, expect, it, vi } from "vitest";
import { mergePeeks, type PeekedMessage } from "../../src/domain/queue/peek";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

describe("peeking at a queue", () => {
  it("lists what a receive would take now, in its order, without writing a thing", () => {
    const q = newQueue({ visibilityTimeout: 30, trace: 1 });
    q.send(["a", "b", "c"]);
    const run = vi.spyOn(q.sql, "run");
    const reads = [vi.spyOn(q.sql, "all"), vi.spyOn(q.sql, "first")];
    const peeked = q.store.peek(q.call, { max: 2, inFlight: false }, T0 + 1);
    const statements = reads.flatMap((spy) => spy.mock.calls.map(([sql]) => sql));
    vi.restoreAllMocks();
    expect(run).not.toHaveBeenCalled();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((sql) => /\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql))).toEqual([]);
    expect(peeked.visible.map((m) => [m.body, m.dequeueCount, m.firstDequeueTime])).toEqual([
      ["a", 0, 0],
      ["b", 0, 0],
    ]);
    expect(peeked.inFlight).toEqual([]);
    // Nothing was counted or traced: the receive that follows is the messages' first.
    const taken = q.receive({ max: 2 }, T0 + 2);
    expect(taken.map((m) => [m.msgId, m.dequeueCount])).toEqual(
      peeked.visible.map((m) => [m.msgId, 1]),
    );
    const [id] = peeked.visible.map((m) => m.msgId);
    expect(q.store.trace(q.call, id ?? 0n).map((e) => e.event)).toEqual(["sent", "delivered"]);
  });

  it("leaves out delayed and in-flight messages, and lists in-flight ones when asked", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["held"]);
    q.send(["visible"]);
    q.send(["delayed"], T0, 60);
    q.receive({ max: 1 }, T0 + 1);
    const peeked = q.store.peek(q.call, { max: 16, inFlight: true }, T0 + 2);
    expect(peeked.visible.map((m) => m.body)).toEqual(["visible"]);
    expect(peeked.inFlight).toMatchObject([
      { body: "held", dequeueCount: 1, firstDequeueTime: T0 + 1, nextVisibleTime: T0 + 1 + 30 * S },
    ]);
    expect(q.store.peek(q.call, { max: 16, inFlight: false }, T0 + 2).inFlight).toEqual([]);
  });

  it("leaves out expired messages and those a receive would dead-letter, as the receive does", () => {
    const expiring = newQueue({ msgRetentionSeconds: 60 });
    expiring.send(["expired"]);
    expiring.send(["fresh"], T0 + 40 * S);
    const dlq = { deadLetterQueue: "dlq", policy: 0 as const, maxReceiveCount: 1 };
    const dead = newQueue({ visibilityTimeout: 1 }, T0, dlq);
    dead.send(["received once", "fresh"]);
    dead.receive({ max: 1 }, T0);
    const later = T0 + 61 * S;
    for (const q of [expiring, dead]) {
      const peeked = q.store.peek(q.call, { max: 16, inFlight: true }, later);
      expect(peeked).toMatchObject({ visible: [{ body: "fresh" }], inFlight: [] });
      expect(q.receive({ max: 16 }, later).map((m) => m.body)).toEqual(["fresh"]);
    }
  });

  it("merges shards' lists by visibility, up to the limit", () => {
    const m = (body: string, at: number): PeekedMessage => ({
      msgId: BigInt(at),
      body,
      enqueueTime: at,
      firstDequeueTime: 0,
      nextVisibleTime: at,
      dequeueCount: 0,
    });
    const merged = mergePeeks(
      [
        { visible: [m("s0-a", 1), m("s0-b", 4)], inFlight: [] },
        { visible: [m("s1-a", 2), m("s1-b", 3)], inFlight: [m("s1-held", 9)] },
      ],
      3,
    );
    expect(merged.visible.map((x) => x.body)).toEqual(["s0-a", "s1-a", "s1-b"]);
    expect(merged.inFlight.map((x) => x.body)).toEqual(["s1-held"]);
  });
});
