import { describe, expect, it } from "vitest";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

describe("returning messages a vanished receiver took", () => {
  it("makes them visible at once with the receive not counted", () => {
    const q = newQueue({ visibilityTimeout: 30 });
    q.send(["a", "b"]);
    const taken = q.receive({ max: 2 }, T0 + 1);
    expect(q.store.returnUnread(q.call, [taken[0]?.receiptHandle ?? 0n], T0 + 2)).toBe(1);
    expect(q.store.attributes(q.call, T0 + 2)).toMatchObject({
      activeMsgNum: 1,
      inactiveMsgNum: 1,
    });
    const [again] = q.receive({ max: 1 }, T0 + 3);
    expect(again).toMatchObject({ body: "a", dequeueCount: 1, firstDequeueTime: T0 + 3 });
  });

  it("keeps the first dequeue time of a message received before", () => {
    const q = newQueue({ visibilityTimeout: 1 });
    q.send(["a"]);
    q.receive({ max: 1 }, T0 + 1);
    const [second] = q.receive({ max: 1 }, T0 + 2 * S);
    expect(q.store.returnUnread(q.call, [second?.receiptHandle ?? 0n], T0 + 2 * S + 1)).toBe(1);
    const [third] = q.receive({ max: 1 }, T0 + 2 * S + 2);
    expect(third).toMatchObject({ dequeueCount: 2, firstDequeueTime: T0 + 1 });
  });

  it("leaves a message alone once its handle is stale: deleted, timed out or received again", () => {
    const q = newQueue({ visibilityTimeout: 1 });
    q.send(["deleted", "timed out"]);
    const [deleted, timedOut] = q.receive({ max: 2 }, T0 + 1);
    q.store.delete(q.call, [deleted?.receiptHandle ?? 0n], T0 + 2);
    const [redelivered] = q.receive({ max: 1 }, T0 + 2 * S);
    expect(redelivered?.body).toBe("timed out");
    const handles = [deleted, timedOut].map((m) => m?.receiptHandle ?? 0n);
    expect(q.store.returnUnread(q.call, [...handles, 7n], T0 + 2 * S + 1)).toBe(0);
    expect(q.store.attributes(q.call, T0 + 2 * S + 1)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 1,
    });
  });

  it("never pushes a message toward the dead-letter queue", () => {
    const q = newQueue({ visibilityTimeout: 30 }, T0, {
      deadLetterQueue: "dlq",
      policy: 0,
      maxReceiveCount: 1,
    });
    q.send(["a"]);
    for (let i = 1; i <= 3; i++) {
      const [m] = q.receive({ max: 1 }, T0 + i);
      expect(m?.dequeueCount).toBe(1);
      q.store.returnUnread(q.call, [m?.receiptHandle ?? 0n], T0 + i);
    }
    expect(q.store.receive(q.call, { max: 1 }, T0 + 10).deadLettered).toBe(0);
  });
});
