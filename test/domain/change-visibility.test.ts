import { describe, expect, it } from "vitest";
import { CmqError, type CmqErrorKind } from "../../src/domain/errors";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

/** The error kind `fn` fails with, or "ok". */
function outcomeOf(fn: () => unknown): CmqErrorKind | "ok" {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (e instanceof CmqError) return e.data.kind;
    throw e;
  }
}

describe("changing a received message's visibility", () => {
  it("keeps a message hidden past its first timeout, its handle deleting until the new time", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["slow job"]);
    const [m] = q.receive({ max: 1 }, T0 + 1);
    const handle = m?.receiptHandle ?? 0n;
    const next = q.store.changeVisibility(q.call, handle, 120, T0 + 20 * S);
    expect(next).toBe(T0 + 140 * S);
    // The first timeout has passed: still hidden.
    expect(q.receive({ max: 1 }, T0 + 31 * S)).toEqual([]);
    expect(q.store.delete(q.call, [handle], T0 + 139 * S)).toEqual([
      { ok: true, value: undefined },
    ]);
  });

  it("releases a message at once with 0, counting its receive", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["failed job"]);
    const [m] = q.receive({ max: 1 }, T0 + 1);
    expect(q.store.attributes(q.call, T0 + 2)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 1,
    });
    expect(q.store.changeVisibility(q.call, m?.receiptHandle ?? 0n, 0, T0 + 2)).toBe(T0 + 2);
    expect(q.store.attributes(q.call, T0 + 2)).toMatchObject({
      activeMsgNum: 1,
      inactiveMsgNum: 0,
    });
    const [again] = q.receive({ max: 1 }, T0 + 3);
    expect(again).toMatchObject({ body: "failed job", dequeueCount: 2, firstDequeueTime: T0 + 1 });
    expect(again?.receiptHandle).not.toBe(m?.receiptHandle);
  });

  it("brings a message back earlier than its timeout", () => {
    const q = newQueue({ visibilityTimeout: 600 });
    q.send(["a"]);
    const [m] = q.receive({ max: 1 }, T0);
    q.store.changeVisibility(q.call, m?.receiptHandle ?? 0n, 5, T0 + S);
    expect(q.receive({ max: 1 }, T0 + 6 * S - 1)).toEqual([]);
    expect(q.receive({ max: 1 }, T0 + 6 * S)).toMatchObject([{ body: "a", dequeueCount: 2 }]);
  });

  it("pushes a released message toward the dead-letter queue, unlike a return unread", () => {
    const q = newQueue({ visibilityTimeout: 30 }, T0, {
      deadLetterQueue: "dlq",
      policy: 0,
      maxReceiveCount: 1,
    });
    q.send(["poison"]);
    const [m] = q.receive({ max: 1 }, T0 + 1);
    q.store.changeVisibility(q.call, m?.receiptHandle ?? 0n, 0, T0 + 2);
    expect(q.store.receive(q.call, { max: 1 }, T0 + 3)).toEqual({ messages: [], deadLettered: 1 });
  });

  it("refuses a handle whose delivery is over: timed out, released, or deleted", () => {
    const q = newQueue({ visibilityTimeout: 10 });
    q.send(["timed out", "released", "deleted"]);
    const [timedOut, released, deleted] = q.receive({ max: 3 }, T0);
    const handle = (m: typeof timedOut) => m?.receiptHandle ?? 0n;
    q.store.changeVisibility(q.call, handle(released), 0, T0 + S);
    q.store.delete(q.call, [handle(deleted)], T0 + S);
    const at = T0 + 10 * S;
    expect([
      outcomeOf(() => q.store.changeVisibility(q.call, handle(timedOut), 30, at)),
      outcomeOf(() => q.store.changeVisibility(q.call, handle(released), 30, at)),
      outcomeOf(() => q.store.changeVisibility(q.call, handle(deleted), 30, at)),
    ]).toEqual(["messageNotInFlight", "messageNotInFlight", "receiptHandleInvalid"]);
    // A refused change changed nothing: two visible, none in flight.
    expect(q.store.attributes(q.call, at)).toMatchObject({ activeMsgNum: 2, inactiveMsgNum: 0 });
  });

  it("refuses the handle of an earlier delivery, a malformed one and one of another shard", () => {
    const q = newQueue({ visibilityTimeout: 1 });
    q.send(["a"]);
    const [first] = q.receive({ max: 1 }, T0);
    const [second] = q.receive({ max: 1 }, T0 + S);
    const stale = first?.receiptHandle ?? 0n;
    const otherShard = (second?.receiptHandle ?? 0n) | (1n << 56n);
    const kinds = [stale, 0n, 7n, otherShard].map((h) =>
      outcomeOf(() => q.store.changeVisibility(q.call, h, 30, T0 + S + 1)),
    );
    expect(kinds).toEqual(Array(4).fill("receiptHandleInvalid"));
    expect(q.store.changeVisibility(q.call, second?.receiptHandle ?? 0n, 30, T0 + S + 1)).toBe(
      T0 + 31 * S + 1,
    );
  });

  it("is traced with the handle and the new timeout", () => {
    const q = newQueue({ visibilityTimeout: 30, trace: 1 });
    const [id] = q.send(["a"]);
    const [m] = q.receive({ max: 1 }, T0 + 1);
    q.store.changeVisibility(q.call, m?.receiptHandle ?? 0n, 90, T0 + 2);
    expect(q.store.trace(q.call, id ?? 0n).map((e) => [e.at, e.event, e.detail])).toEqual([
      [T0, "sent", expect.any(Object)],
      [T0 + 1, "delivered", expect.any(Object)],
      [
        T0 + 2,
        "visibilityChanged",
        { receiptHandle: String(m?.receiptHandle), visibilityTimeout: 90 },
      ],
    ]);
  });
});
