import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Stack, startStack } from "./stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ transactionPollMs: 200 });
});
afterAll(async () => {
  await stack?.stop();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function queueWithHalf(bodies: string[], intervalSeconds = 1) {
  const queue = stack.name();
  await stack.http.createQueue(queue);
  const producer = await stack.tcp();
  const ids = await producer.sendTransaction(queue, bodies, intervalSeconds);
  return { queue, producer, ids };
}

const pending = async (queue: string) =>
  (await stack.http.ok("GetQueueAttributes", { queueName: queue })).transactionMsgNum as number;

describe("transaction messages through the bridge", () => {
  it("holds a half message until the producer commits it (one-way confirm, as the SDK sends it)", async () => {
    const { queue, producer, ids } = await queueWithHalf(["order paid"], 60);
    const consumer = await stack.tcp();
    expect(await consumer.pull(queue, 0)).toBeUndefined();
    await producer.confirm(
      queue,
      ids.map((msgId) => ({ msgId, state: 1 })),
    );
    const got = await consumer.pull(queue, 5);
    expect(got?.msgId).toBe(ids[0]);
    expect(text(got?.body ?? new Uint8Array())).toBe("order paid");
  });

  it("drops a half message the producer rolls back", async () => {
    const { queue, producer, ids } = await queueWithHalf(["order failed"], 60);
    await producer.confirm(
      queue,
      ids.map((msgId) => ({ msgId, state: 2 })),
    );
    await vi.waitFor(async () => expect(await pending(queue)).toBe(0));
    expect(await producer.pull(queue, 0)).toBeUndefined();
  });

  it("answers a two-way confirm item by item, an unknown id with state 3 and an error", async () => {
    const { queue, producer, ids } = await queueWithHalf(["x"], 60);
    const items = await producer.confirm(
      queue,
      [
        { msgId: ids[0] ?? 0n, state: 1 },
        { msgId: 42n, state: 1 },
      ],
      false,
    );
    expect(items).toEqual([
      { msgId: ids[0], state: 1 },
      { msgId: 42n, state: 3, errCode: 4490, errMsg: expect.stringContaining("(10770)") },
    ]);
  });

  it("asks the producer back and commits when it answers commit", async () => {
    const { queue, producer, ids } = await queueWithHalf(["decided later"]);
    const asked: bigint[] = [];
    producer.onTransactionQuery((q, msgId) => {
      asked.push(msgId);
      return q === queue ? 1 : undefined;
    });
    const got = await (await stack.tcp()).pull(queue, 15);
    expect(got?.msgId).toBe(ids[0]);
    expect(asked).toContain(ids[0]);
  });

  it("asks the producer back and rolls back when it answers rollback", async () => {
    const { queue, producer } = await queueWithHalf(["abandoned"]);
    producer.onTransactionQuery(() => 2);
    await vi.waitFor(async () => expect(await pending(queue)).toBe(0), { timeout: 15_000 });
    expect(await producer.pull(queue, 0)).toBeUndefined();
  });

  it("rolls back at the end when the producer is gone and cannot be asked", async () => {
    const { queue, producer } = await queueWithHalf(["orphan"]);
    producer.close();
    // Interval 1 s, five check-backs nobody answers: rolled back by the queue's alarm after ~6 s.
    await vi.waitFor(async () => expect(await pending(queue)).toBe(0), {
      timeout: 20_000,
      interval: 500,
    });
    expect(await (await stack.tcp()).pull(queue, 0)).toBeUndefined();
  });
});

describe("message trace through the bridge", () => {
  it("records a TCP send with its client id, and its delivery", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue, { trace: 1 });
    const tcp = await stack.tcp({ clientId: "10.1.2.3@orders" });
    const id = await tcp.send(queue, "traced");
    const got = await tcp.pull(queue, 1);
    const trace = await stack.http.ok("EdgeGetMessageTrace", {
      queueName: queue,
      msgId: id.toString(),
    });
    expect(trace.events).toEqual([
      expect.objectContaining({ event: "sent", via: "tcp", client: "10.1.2.3@orders" }),
      expect.objectContaining({ event: "delivered", receiptHandle: got?.receiptHandle.toString() }),
    ]);
  });
});
