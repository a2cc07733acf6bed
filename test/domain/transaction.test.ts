import { describe, expect, it } from "vitest";
import { TRANSACTION_LIMITS } from "../../src/domain/limits";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;
const producer = "bridge-1/1250000000/10.0.0.1@DEFAULT";

function withHalves(bodies: string[], intervalSeconds = 5) {
  const q = newQueue();
  const [result] = q.store.send(
    q.call,
    [{ bodies, delaySeconds: 0, transaction: { producer, queryIntervalSeconds: intervalSeconds } }],
    T0,
  );
  if (!result?.ok) throw new Error("half send refused");
  return { q, ids: result.value };
}

describe("transaction messages", () => {
  it("keeps half messages from consumers until committed, then delivers them", () => {
    const { q, ids } = withHalves(["pay", "ship"]);
    expect(q.receive({ max: 16 }, T0)).toEqual([]);
    expect(q.store.attributes(q.call, T0)).toMatchObject({ transactionMsgNum: 2, activeMsgNum: 0 });
    const results = q.store.confirm(q.call, [{ msgId: ids[0] ?? 0n, state: 1 }], T0 + S);
    expect(results).toEqual([{ ok: true }]);
    expect(q.receive({ max: 16 }, T0 + S).map((m) => [m.msgId, m.body])).toEqual([[ids[0], "pay"]]);
    expect(q.store.attributes(q.call, T0 + S)).toMatchObject({ transactionMsgNum: 1 });
  });

  it("drops a rolled-back half message", () => {
    const { q, ids } = withHalves(["cancelled"]);
    expect(q.store.confirm(q.call, [{ msgId: ids[0] ?? 0n, state: 2 }], T0)).toEqual([
      { ok: true },
    ]);
    expect(q.receive({ max: 16 }, T0 + 60 * S)).toEqual([]);
    expect(q.store.attributes(q.call, T0)).toMatchObject({ transactionMsgNum: 0 });
  });

  it("answers each item on its own: unknown ids, decided ids and bad states fail alone", () => {
    const { q, ids } = withHalves(["a", "b"]);
    const [a = 0n, b = 0n] = ids;
    const results = q.store.confirm(
      q.call,
      [
        { msgId: a, state: 1 },
        { msgId: a, state: 2 },
        { msgId: 123n, state: 1 },
        { msgId: b, state: 3 },
      ],
      T0,
    );
    expect(results.map((r) => (r.ok ? "ok" : r.error.kind))).toEqual([
      "ok",
      "transactionUnknown",
      "transactionUnknown",
      "transactionStateInvalid",
    ]);
  });

  it("asks the producer back each interval, at most maxQueries times, then rolls back at the deadline", () => {
    const { q, ids } = withHalves(["undecided"], 5);
    expect(q.store.transactionQueries(q.call, producer, T0 + 5 * S - 1, 100).msgIds).toEqual([]);
    const asked: number[] = [];
    for (let t = T0; t <= T0 + 60 * S; t += S) {
      const { msgIds } = q.store.transactionQueries(q.call, producer, t, 100);
      if (msgIds.length > 0) asked.push((t - T0) / S);
      expect(msgIds).toEqual(msgIds.length > 0 ? ids : []);
    }
    expect(asked).toEqual([5, 10, 15, 20, 25].slice(0, TRANSACTION_LIMITS.maxQueries));
    // Another producer's messages are not its to answer.
    expect(q.store.transactionQueries(q.call, "someone-else", T0 + 5 * S, 100)).toEqual({
      msgIds: [],
      pending: 0,
    });
    const deadline = T0 + 5 * S * (TRANSACTION_LIMITS.maxQueries + 1);
    expect(q.store.nextChoreAt(T0)).toBe(deadline);
    q.store.chores(deadline);
    expect(q.store.attributes(q.call, deadline)).toMatchObject({ transactionMsgNum: 0 });
    expect(q.store.confirm(q.call, [{ msgId: ids[0] ?? 0n, state: 1 }], deadline)[0]?.ok).toBe(
      false,
    );
  });

  it("counts half messages against maxMsgHeapNum", () => {
    const q = newQueue({ maxMsgHeapNum: 1 });
    const half = { producer, queryIntervalSeconds: 5 };
    expect(
      q.store.send(q.call, [{ bodies: ["h"], delaySeconds: 0, transaction: half }], T0)[0]?.ok,
    ).toBe(true);
    expect(q.store.send(q.call, [{ bodies: ["x"], delaySeconds: 0 }], T0)[0]).toMatchObject({
      ok: false,
      error: { kind: "queueFull" },
    });
  });
});
