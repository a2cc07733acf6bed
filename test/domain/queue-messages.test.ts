import { describe, expect, it } from "vitest";
import { CmqError } from "../../src/domain/errors";
import { parseReceiptHandle } from "../../src/domain/ids";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

describe("send, receive, delete", () => {
  it("delivers a sent message once and deletes it by its receipt handle", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    const [id] = q.send(["hello"]);
    const [m] = q.receive({ max: 1 }, T0 + 1);
    expect(m).toMatchObject({ msgId: id, body: "hello", dequeueCount: 1, enqueueTime: T0 });
    expect(m?.firstDequeueTime).toBe(T0 + 1);
    expect(m?.nextVisibleTime).toBe(T0 + 1 + 30 * S);
    expect(q.receive({ max: 1 }, T0 + 2)).toEqual([]);
    const [result] = q.store.delete(q.call, [m?.receiptHandle ?? 0n], T0 + 3);
    expect(result).toEqual({ ok: true, value: undefined });
    expect(q.rowCount("message")).toBe(0);
    expect(q.store.attributes(q.call, T0 + 4)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("gives message ids that rise with every send and fit in 64 bits", () => {
    const q = newQueue();
    const ids = [...q.send(["a", "b", "c"]), ...q.send(["d"])];
    for (let i = 1; i < ids.length; i++) expect((ids[i] ?? 0n) > (ids[i - 1] ?? 0n)).toBe(true);
    for (const id of ids) expect(id < 2n ** 64n).toBe(true);
  });

  it("receives in enqueue order and at most `max` messages", () => {
    const q = newQueue();
    q.send(["1", "2", "3"]);
    q.send(["4"], T0 + 1);
    expect(q.receive({ max: 3 }, T0 + 2).map((m) => m.body)).toEqual(["1", "2", "3"]);
    expect(q.receive({ max: 16 }, T0 + 2).map((m) => m.body)).toEqual(["4"]);
  });

  it("stores each group whole or refuses it whole, independently of other groups", () => {
    const q = newQueue({ maxMsgSize: 1024 });
    const results = q.store.send(
      q.call,
      [
        { bodies: ["ok-1"], delaySeconds: 0 },
        { bodies: ["fine", "x".repeat(1025)], delaySeconds: 0 },
        { bodies: ["ok-2"], delaySeconds: 0 },
      ],
      T0,
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { kind: "messageTooLarge", size: 1025 } });
    expect(q.rowCount("message")).toBe(2);
  });

  it("counts message size in UTF-8 bytes", () => {
    const q = newQueue({ maxMsgSize: 1024 });
    const [threeByteChars] = q.store.send(
      q.call,
      [{ bodies: ["世".repeat(342)], delaySeconds: 0 }],
      T0,
    );
    expect(threeByteChars).toMatchObject({
      ok: false,
      error: { kind: "messageTooLarge", size: 1026 },
    });
  });

  it("refuses a batch whose bodies add up to more than 1 MiB", () => {
    const q = newQueue({ maxMsgSize: 1_048_576 });
    const [result] = q.store.send(
      q.call,
      [{ bodies: ["a".repeat(600_000), "b".repeat(600_000)], delaySeconds: 0 }],
      T0,
    );
    expect(result).toMatchObject({ ok: false, error: { kind: "batchTooLarge" } });
    expect(q.rowCount("message")).toBe(0);
  });

  it("refuses sends beyond maxMsgHeapNum and stores nothing of the refused group", () => {
    const q = newQueue({ maxMsgHeapNum: 3 });
    q.send(["1", "2"]);
    const [full] = q.store.send(q.call, [{ bodies: ["3", "4"], delaySeconds: 0 }], T0);
    expect(full).toMatchObject({ ok: false, error: { kind: "queueFull", limit: 3 } });
    expect(q.rowCount("message")).toBe(2);
    q.send(["3"]);
    const [m] = q.receive({ max: 1 }, T0);
    q.store.delete(q.call, [m?.receiptHandle ?? 0n], T0);
    expect(q.store.send(q.call, [{ bodies: ["4"], delaySeconds: 0 }], T0)[0]?.ok).toBe(true);
  });

  it("fails every operation on a queue that does not exist", () => {
    const q = newQueue();
    q.sql.run("DELETE FROM queue_meta");
    expect(() => q.receive({ max: 1 }, T0)).toThrow(CmqError);
    expect(() => q.store.send(q.call, [{ bodies: ["x"], delaySeconds: 0 }], T0)).toThrow(
      /queue is not existed/,
    );
  });
});

describe("delay", () => {
  it("keeps a delayed message invisible until its delay passes", () => {
    const q = newQueue();
    q.send(["later"], T0, 12);
    expect(q.receive({ max: 1 }, T0 + 12 * S - 1)).toEqual([]);
    expect(q.store.attributes(q.call, T0 + 12 * S - 1)).toMatchObject({
      delayMsgNum: 1,
      activeMsgNum: 0,
    });
    expect(q.store.nextVisibleAt(T0)).toBe(T0 + 12 * S);
    expect(q.store.attributes(q.call, T0 + 12 * S)).toMatchObject({
      delayMsgNum: 0,
      activeMsgNum: 1,
    });
    expect(q.receive({ max: 1 }, T0 + 12 * S).map((m) => m.body)).toEqual(["later"]);
  });

  it("refuses delays outside 0–3600 s", () => {
    const q = newQueue();
    const [result] = q.store.send(q.call, [{ bodies: ["x"], delaySeconds: 3601 }], T0);
    expect(result).toMatchObject({ ok: false, error: { kind: "delayOutOfRange" } });
  });
});

describe("visibility timeout", () => {
  it("re-delivers after the timeout with dequeueCount + 1 and a new receipt handle", () => {
    const q = newQueue({ visibilityTimeout: 10 });
    q.send(["m"]);
    const [first] = q.receive({ max: 1 }, T0);
    expect(q.receive({ max: 1 }, T0 + 10 * S - 1)).toEqual([]);
    const [second] = q.receive({ max: 1 }, T0 + 10 * S);
    expect(second).toMatchObject({ msgId: first?.msgId, dequeueCount: 2, firstDequeueTime: T0 });
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it("does not let a stale receipt handle delete the re-delivered message", () => {
    const q = newQueue({ visibilityTimeout: 10 });
    q.send(["m"]);
    const [first] = q.receive({ max: 1 }, T0);
    const [second] = q.receive({ max: 1 }, T0 + 10 * S);
    const [stale] = q.store.delete(q.call, [first?.receiptHandle ?? 0n], T0 + 10 * S + 1);
    expect(stale).toMatchObject({ ok: false, error: { kind: "receiptHandleInvalid" } });
    expect(q.rowCount("message")).toBe(1);
    const [fresh] = q.store.delete(q.call, [second?.receiptHandle ?? 0n], T0 + 10 * S + 1);
    expect(fresh?.ok).toBe(true);
  });

  it("refuses a handle once its message is visible again (CMQ: valid until nextVisibleTime)", () => {
    const q = newQueue({ visibilityTimeout: 10 });
    q.send(["m"]);
    const [m] = q.receive({ max: 1 }, T0);
    const [late] = q.store.delete(q.call, [m?.receiptHandle ?? 0n], T0 + 10 * S);
    expect(late).toMatchObject({ ok: false, error: { kind: "receiptHandleInvalid" } });
  });

  it("takes a per-receive visibility timeout (the TCP pull's visible_timeout)", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["m"]);
    const [m] = q.receive({ max: 1, visibilityTimeoutSeconds: 2 }, T0);
    expect(m?.nextVisibleTime).toBe(T0 + 2 * S);
  });

  it("answers each handle of a batch delete on its own, a repeated handle failing the second time", () => {
    const q = newQueue();
    q.send(["a", "b"]);
    const [a, b] = q.receive({ max: 2 }, T0);
    const foreignShard = (1n << 56n) | ((a?.receiptHandle ?? 0n) & ((1n << 56n) - 1n));
    const results = q.store.delete(
      q.call,
      [
        a?.receiptHandle ?? 0n,
        a?.receiptHandle ?? 0n,
        12345n,
        foreignShard,
        b?.receiptHandle ?? 0n,
      ],
      T0 + 1,
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, true]);
    expect(parseReceiptHandle(12345n)).toBeUndefined();
  });
});
