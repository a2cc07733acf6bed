import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { MAX_WAITERS_PER_QUEUE } from "../../src/domain/limits";
import { cmq, createQueue, indexed } from "./cmq";
import { parkedReceivers, queueStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();

/** Resolves once `n` receivers are parked in the queue's object. */
async function parked(queueName: string, n: number) {
  await vi.waitFor(
    () => runInDurableObject(queueStub(queueName), (o) => expect(parkedReceivers(o)).toBe(n)),
    { timeout: 10_000, interval: 20 },
  );
}

describe("long polling", () => {
  it("returns a message sent while the receiver waits", async () => {
    const queueName = await createQueue();
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 1);
    await cmq("SendMessage", { queueName, msgBody: "arrived" });
    expect(await receiving).toMatchObject({ code: 0, msgBody: "arrived" });
  });

  it("wakes a batch receive too, returning what arrived", async () => {
    const queueName = await createQueue();
    const receiving = cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 20,
    });
    await parked(queueName, 1);
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b", "c"]) });
    const reply = await receiving;
    expect(reply.code).toBe(0);
    expect(reply.msgInfoList.map((m: { msgBody: string }) => m.msgBody)).toEqual(["a", "b", "c"]);
  });

  it("waits the queue's pollingWaitSeconds when the request gives none, then answers 7000", async () => {
    const queueName = await createQueue({ pollingWaitSeconds: 20 });
    const receiving = cmq("ReceiveMessage", { queueName });
    await parked(queueName, 1);
    clock.advance(20_000);
    expect(await receiving).toMatchObject({ code: 7000, message: "(10200)no message" });
  });

  it("re-delivers a message whose visibility timeout runs out during the wait, with a new handle", async () => {
    const queueName = await createQueue({ visibilityTimeout: 30 });
    await cmq("SendMessage", { queueName, msgBody: "again" });
    const first = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 1);
    clock.advance(30_000);
    const second = await receiving;
    expect(second).toMatchObject({ code: 0, msgId: first.msgId, dequeueCount: 2 });
    expect(second.receiptHandle).not.toBe(first.receiptHandle);
    expect(
      (await cmq("DeleteMessage", { queueName, receiptHandle: first.receiptHandle })).code,
    ).toBe(4430);
    expect(
      (await cmq("DeleteMessage", { queueName, receiptHandle: second.receiptHandle })).code,
    ).toBe(0);
  });

  it("returns a delayed message as soon as its delay passes", async () => {
    const queueName = await createQueue();
    await cmq("SendMessage", { queueName, msgBody: "delayed", delaySeconds: 10 });
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 1);
    clock.advance(10_000);
    expect(await receiving).toMatchObject({ code: 0, msgBody: "delayed" });
  });

  it("wakes a waiting receiver when a message sent later with a delay becomes visible", async () => {
    const queueName = await createQueue();
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 30 });
    await parked(queueName, 1);
    await cmq("SendMessage", { queueName, msgBody: "soon", delaySeconds: 10 });
    // The receiver re-arms for the delayed message's time, then wakes when it comes.
    await parked(queueName, 1);
    clock.advance(10_000);
    expect(await receiving).toMatchObject({ code: 0, msgBody: "soon" });
  });

  it("gives one message to one of two waiting receivers; the other keeps waiting", async () => {
    const queueName = await createQueue();
    const a = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    const b = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 2);
    await cmq("SendMessage", { queueName, msgBody: "only one" });
    const first = await Promise.race([a, b]);
    expect(first).toMatchObject({ code: 0, msgBody: "only one" });
    await parked(queueName, 1);
    clock.advance(20_000);
    const codes = (await Promise.all([a, b])).map((r) => r.code).sort();
    expect(codes).toEqual([0, 7000]);
  });

  it("refuses a receiver beyond the per-queue waiting limit with 4420, the others keep waiting", async () => {
    const queueName = await createQueue();
    const receives = Array.from({ length: MAX_WAITERS_PER_QUEUE + 5 }, () =>
      cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 }),
    );
    await parked(queueName, MAX_WAITERS_PER_QUEUE);
    clock.advance(20_000);
    const codes = (await Promise.all(receives)).map((r) => r.code);
    expect(codes.filter((c) => c === 4420)).toHaveLength(5);
    expect(codes.filter((c) => c === 7000)).toHaveLength(MAX_WAITERS_PER_QUEUE);
  }, 60_000);

  it("ends parked receives with 4440 when the queue is deleted", async () => {
    const queueName = await createQueue();
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await parked(queueName, 1);
    await cmq("DeleteQueue", { queueName });
    expect((await receiving).code).toBe(4440);
  });
});
