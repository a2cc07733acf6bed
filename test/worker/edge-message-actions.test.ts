import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { cmq, createQueue, indexed, type Reply } from "./cmq";
import { parkedReceivers, queueStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();
const nowSeconds = () => Math.floor(clock.now() / 1000);

async function parked(queueName: string, n: number) {
  await vi.waitFor(
    () => runInDurableObject(queueStub(queueName), (o) => expect(parkedReceivers(o)).toBe(n)),
    { timeout: 10_000, interval: 20 },
  );
}

/** When each parked receiver's timer fires (private state, read for tests). */
function parkedUntil(instance: unknown): number[] {
  return (instance as { waiters: { parked: { until: number }[] } }).waiters.parked.map(
    (w) => w.until,
  );
}

async function receiveOne(queueName: string): Promise<Reply> {
  const reply = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
  expect(reply.code).toBe(0);
  return reply;
}

describe("EdgeChangeMessageVisibility", () => {
  it("keeps a slow consumer's message past its timeout, and the same handle still deletes it", async () => {
    const queueName = await createQueue({ visibilityTimeout: 30 });
    await cmq("SendMessage", { queueName, msgBody: "slow" });
    const m = await receiveOne(queueName);
    const before = nowSeconds();
    const changed = await cmq("EdgeChangeMessageVisibility", {
      queueName,
      receiptHandle: m.receiptHandle,
      visibilityTimeout: 600,
    });
    expect(changed.code).toBe(0);
    expect(changed.nextVisibleTime - before).toBeGreaterThanOrEqual(600);
    expect(changed.nextVisibleTime - nowSeconds()).toBeLessThanOrEqual(600);
    clock.advance(60_000);
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).code).toBe(7000);
    const deleted = await cmq("DeleteMessage", { queueName, receiptHandle: m.receiptHandle });
    expect(deleted.code).toBe(0);
  });

  it("hands a message back at once with 0: a parked receiver gets it, its receive counted", async () => {
    const queueName = await createQueue({ visibilityTimeout: 3600 });
    await cmq("SendMessage", { queueName, msgBody: "failed" });
    const m = await receiveOne(queueName);
    const waiting = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 1);
    const released = await cmq("EdgeChangeMessageVisibility", {
      queueName,
      receiptHandle: m.receiptHandle,
      visibilityTimeout: 0,
    });
    expect(released.code).toBe(0);
    expect(await waiting).toMatchObject({ code: 0, msgId: m.msgId, dequeueCount: 2 });
  });

  it("wakes a receiver parked until the old timeout when it brings the message back sooner", async () => {
    const queueName = await createQueue({ visibilityTimeout: 3600 });
    await cmq("SendMessage", { queueName, msgBody: "sooner" });
    const m = await receiveOne(queueName);
    const waiting = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 30 });
    await parked(queueName, 1);
    const changed = await cmq("EdgeChangeMessageVisibility", {
      queueName,
      receiptHandle: m.receiptHandle,
      visibilityTimeout: 10,
    });
    // Re-armed for the new time, not the end of its 30 s wait.
    await vi.waitFor(
      () =>
        runInDurableObject(queueStub(queueName), (o) =>
          expect(parkedUntil(o).map((ms) => Math.floor(ms / 1000))).toEqual([
            changed.nextVisibleTime,
          ]),
        ),
      { timeout: 10_000, interval: 20 },
    );
    clock.advance(10_000);
    expect(await waiting).toMatchObject({ code: 0, msgId: m.msgId });
  });

  it("answers 4430 for a handle whose delivery is over, and 4000 for bad parameters", async () => {
    const queueName = await createQueue({ visibilityTimeout: 30 });
    await cmq("SendMessage", { queueName, msgBody: "x" });
    const m = await receiveOne(queueName);
    const change = (params: Record<string, string | number>) =>
      cmq("EdgeChangeMessageVisibility", { queueName, ...params });
    await change({ receiptHandle: m.receiptHandle, visibilityTimeout: 0 });
    const notInFlight = await change({ receiptHandle: m.receiptHandle, visibilityTimeout: 30 });
    const again = await receiveOne(queueName);
    const stale = await change({ receiptHandle: m.receiptHandle, visibilityTimeout: 30 });
    const bad = await Promise.all([
      change({ receiptHandle: again.receiptHandle, visibilityTimeout: 43_201 }),
      change({ receiptHandle: again.receiptHandle, visibilityTimeout: -1 }),
      change({ receiptHandle: again.receiptHandle }),
      change({ receiptHandle: "x1", visibilityTimeout: 1 }),
    ]);
    expect([notInFlight, stale, ...bad].map((r) => [r.code, r.message.slice(0, 7)])).toEqual([
      [4430, "(10800)"],
      [4430, "(10260)"],
      [4000, "(10350)"],
      [4000, "(10350)"],
      [4000, "(10390)"],
      [4000, "(10470)"],
    ]);
    const missing = await cmq("EdgeChangeMessageVisibility", {
      queueName: `${queueName}-gone`,
      receiptHandle: again.receiptHandle,
      visibilityTimeout: 1,
    });
    expect(missing.code).toBe(4440);
  });

  it("reaches the shard holding the message in a sharded queue", async () => {
    const queueName = await createQueue({ shards: 4, visibilityTimeout: 3600 });
    const bodies = Array.from({ length: 8 }, (_, i) => `m${i}`);
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", bodies) });
    const received = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(received.msgInfoList).toHaveLength(8);
    const codes = await Promise.all(
      received.msgInfoList.map(async (m: { receiptHandle: string }) => {
        const params = { queueName, receiptHandle: m.receiptHandle, visibilityTimeout: 0 };
        return (await cmq("EdgeChangeMessageVisibility", params)).code;
      }),
    );
    expect(codes).toEqual(Array(8).fill(0));
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 8,
      inactiveMsgNum: 0,
    });
  });
});

describe("EdgePeekMessages", () => {
  it("shows what a receive would get, with no handle, changing no count", async () => {
    const queueName = await createQueue({ visibilityTimeout: 3600, trace: 1 });
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b", "c"]) });
    const held = await receiveOne(queueName);
    const attributes = async () => {
      const { requestId: _, ...rest } = await cmq("GetQueueAttributes", { queueName });
      return rest;
    };
    const before = await attributes();
    const peeked = await cmq("EdgePeekMessages", { queueName, numOfMsg: 16 });
    expect(peeked.code).toBe(0);
    expect(peeked.msgInfoList.map((m: Reply) => [m.msgBody, m.dequeueCount])).toEqual([
      ["b", 0],
      ["c", 0],
    ]);
    expect(peeked.msgInfoList[0]).not.toHaveProperty("receiptHandle");
    expect(peeked).not.toHaveProperty("inFlightMsgInfoList");
    const withInFlight = await cmq("EdgePeekMessages", { queueName, numOfMsg: 1, inFlight: 1 });
    expect(withInFlight.msgInfoList.map((m: Reply) => m.msgBody)).toEqual(["b"]);
    expect(withInFlight.inFlightMsgInfoList).toEqual([
      {
        msgBody: "a",
        msgId: held.msgId,
        enqueueTime: held.enqueueTime,
        firstDequeueTime: held.firstDequeueTime,
        nextVisibleTime: held.nextVisibleTime,
        dequeueCount: 1,
      },
    ]);
    expect(await attributes()).toEqual(before);
    const trace = await cmq("EdgeGetMessageTrace", {
      queueName,
      msgId: peeked.msgInfoList[0].msgId,
    });
    expect(trace.events.map((e: Reply) => e.event)).toEqual(["sent"]);
    const next = await receiveOne(queueName);
    expect(next).toMatchObject({ msgBody: "b", dequeueCount: 1 });
  });

  it("answers an empty list for an empty queue, and 4440 for a missing one", async () => {
    const queueName = await createQueue();
    expect(await cmq("EdgePeekMessages", { queueName })).toMatchObject({
      code: 0,
      msgInfoList: [],
    });
    expect((await cmq("EdgePeekMessages", { queueName: `${queueName}-gone` })).code).toBe(4440);
    expect((await cmq("EdgePeekMessages", { queueName, numOfMsg: 17 })).code).toBe(4000);
  });

  it("gathers every shard of a sharded queue", async () => {
    const queueName = await createQueue({ shards: 4 });
    const bodies = Array.from({ length: 8 }, (_, i) => `m${i}`);
    for (const msgBody of bodies) await cmq("SendMessage", { queueName, msgBody });
    const peeked = await cmq("EdgePeekMessages", { queueName, numOfMsg: 16 });
    const shards = new Set(peeked.msgInfoList.map((m: Reply) => BigInt(m.msgId) >> 56n));
    expect(peeked.msgInfoList.map((m: Reply) => m.msgBody).sort()).toEqual(bodies);
    expect(shards.size).toBe(4);
  });
});
