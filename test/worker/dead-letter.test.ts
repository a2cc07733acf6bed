import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { cmq, createQueue, indexed, uniqueName } from "./cmq";
import { queueStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();

const policy = (deadLetterQueue: string, rest: object) =>
  JSON.stringify({ deadLetterQueue, ...rest });

describe("dead-letter policies", () => {
  it("binds at CreateQueue, reports the policy, and lists the sources", async () => {
    const dlq = await createQueue();
    const source = uniqueName();
    const created = await cmq("CreateQueue", {
      queueName: source,
      deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 3 }),
    });
    expect(created.code).toBe(0);
    const attrs = await cmq("GetQueueAttributes", { queueName: source });
    expect(JSON.parse(attrs.deadLetterPolicy)).toEqual({
      deadLetterQueue: dlq,
      policy: 0,
      maxReceiveCount: 3,
    });
    expect(await cmq("ListDeadLetterSourceQueues", { deadLetterQueueName: dlq })).toMatchObject({
      totalCount: 1,
      queueList: [{ queueName: source, queueId: created.queueId }],
    });
  });

  it.each<[string, (names: { a: string; b: string; dlq: string }) => string, string]>([
    [
      "a dead-letter queue that does not exist",
      () => policy("nosuchqueue", { policy: 0, maxReceiveCount: 1 }),
      "(10730)",
    ],
    [
      "a queue as its own dead-letter queue",
      ({ a }) => policy(a, { policy: 0, maxReceiveCount: 1 }),
      "(10740)",
    ],
    [
      "a dead-letter queue that has one itself",
      ({ b }) => policy(b, { policy: 0, maxReceiveCount: 1 }),
      "(10740)",
    ],
    ["a policy that is not JSON", () => "{policy", "(10720)"],
    [
      "maxTimeToLive outside 300-43200",
      ({ dlq }) => policy(dlq, { policy: 1, maxTimeToLive: 10 }),
      "(10720)",
    ],
  ])("refuses %s and changes nothing", async (_, make, module) => {
    const dlq = await createQueue();
    const a = await createQueue();
    const b = await createQueue({
      deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 1 }),
    });
    const reply = await cmq("SetQueueAttributes", {
      queueName: a,
      deadLetterPolicy: make({ a, b, dlq }),
    });
    expect(reply.code).toBe(4000);
    expect(reply.message.startsWith(module)).toBe(true);
    expect((await cmq("GetQueueAttributes", { queueName: a })).deadLetterPolicy).toBeUndefined();
  });

  it("refuses a policy on a queue that serves as a dead-letter queue, and another tenant's queue", async () => {
    const { TENANT_B } = await import("./cmq");
    const dlq = await createQueue();
    await createQueue({ deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 1 }) });
    const other = await createQueue();
    expect(
      (
        await cmq("SetQueueAttributes", {
          queueName: dlq,
          deadLetterPolicy: policy(other, { policy: 0, maxReceiveCount: 1 }),
        })
      ).code,
    ).toBe(4000);
    const foreign = await createQueue({}, { credentials: TENANT_B });
    const reply = await cmq("SetQueueAttributes", {
      queueName: other,
      deadLetterPolicy: policy(foreign, { policy: 0, maxReceiveCount: 1 }),
    });
    expect(reply.message.startsWith("(10730)")).toBe(true);
  });

  it("keeps a dead-letter queue in use from being deleted until its source is unbound", async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 1 }),
    });
    expect(await cmq("DeleteQueue", { queueName: dlq })).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(10750)"),
    });
    expect((await cmq("UnbindDeadLetterQueue", { queueName: source })).code).toBe(0);
    expect(
      (await cmq("GetQueueAttributes", { queueName: source })).deadLetterPolicy,
    ).toBeUndefined();
    expect((await cmq("DeleteQueue", { queueName: dlq })).code).toBe(0);
  });
});

describe("moving to the dead-letter queue", () => {
  it("moves a message received maxReceiveCount times, found with long polling and batch receive", async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      visibilityTimeout: 30,
      deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 2 }),
    });
    await cmq("SendMessage", { queueName: source, msgBody: "poison" });
    const first = await cmq("BatchReceiveMessage", {
      queueName: source,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(first.msgInfoList).toHaveLength(1);
    // Its visibility runs out during this long poll: second delivery.
    const receiving = cmq("ReceiveMessage", { queueName: source, pollingWaitSeconds: 20 });
    await vi.waitFor(
      async () =>
        expect((await cmq("GetQueueAttributes", { queueName: source })).waitingReceiverNum).toBe(1),
      { interval: 20 },
    );
    clock.advance(30_000);
    expect(await receiving).toMatchObject({ msgBody: "poison", dequeueCount: 2 });
    // The third time it is due it goes to the dead-letter queue instead.
    clock.advance(30_000);
    expect((await cmq("ReceiveMessage", { queueName: source, pollingWaitSeconds: 0 })).code).toBe(
      7000,
    );
    await runDurableObjectAlarm(queueStub(source));
    const moved = await cmq("BatchReceiveMessage", {
      queueName: dlq,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(moved.msgInfoList.map((m: { msgBody: string }) => m.msgBody)).toEqual(["poison"]);
    expect(await cmq("GetQueueAttributes", { queueName: source })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("moves messages that outlive maxTimeToLive, by the alarm", async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      deadLetterPolicy: policy(dlq, { policy: 1, maxTimeToLive: 300 }),
    });
    await cmq("BatchSendMessage", { queueName: source, ...indexed("msgBody", ["old-1", "old-2"]) });
    clock.advance(301_000);
    expect((await cmq("ReceiveMessage", { queueName: source, pollingWaitSeconds: 0 })).code).toBe(
      7000,
    );
    await runDurableObjectAlarm(queueStub(source));
    await vi.waitFor(async () => {
      const moved = await cmq("BatchReceiveMessage", {
        queueName: dlq,
        numOfMsg: 16,
        pollingWaitSeconds: 0,
      });
      expect(moved.msgInfoList?.map((m: { msgBody: string }) => m.msgBody).sort()).toEqual([
        "old-1",
        "old-2",
      ]);
    });
  });

  it("redrives dead-lettered messages back to their source at the given rate", async () => {
    const dlq = await createQueue();
    const source = await createQueue({
      visibilityTimeout: 30,
      deadLetterPolicy: policy(dlq, { policy: 0, maxReceiveCount: 1 }),
    });
    await cmq("BatchSendMessage", { queueName: source, ...indexed("msgBody", ["a", "b"]) });
    await cmq("BatchReceiveMessage", { queueName: source, numOfMsg: 16, pollingWaitSeconds: 0 });
    clock.advance(30_000);
    expect((await cmq("ReceiveMessage", { queueName: source, pollingWaitSeconds: 0 })).code).toBe(
      7000,
    );
    await runDurableObjectAlarm(queueStub(source));
    expect((await cmq("GetQueueAttributes", { queueName: dlq })).activeMsgNum).toBe(2);
    // Unbind first, or the redriven messages would go straight back on their next receive.
    await cmq("UnbindDeadLetterQueue", { queueName: source });
    expect(await cmq("EdgeRedriveDeadLetterQueue", { queueName: dlq, rate: 1000 })).toMatchObject({
      code: 0,
      redriveStatus: "running",
    });
    const back: string[] = [];
    // The redrive runs from the dead-letter queue's alarm, at its rate: a second moves them all.
    clock.advance(1000);
    await runDurableObjectAlarm(queueStub(dlq));
    const got = await cmq("BatchReceiveMessage", {
      queueName: source,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    back.push(...(got.msgInfoList ?? []).map((m: { msgBody: string }) => m.msgBody));
    expect(back.sort()).toEqual(["a", "b"]);
    await runDurableObjectAlarm(queueStub(dlq));
    expect(await cmq("GetQueueAttributes", { queueName: dlq })).toMatchObject({
      activeMsgNum: 0,
      redriveMovedMsgNum: 2,
    });
  });
});
