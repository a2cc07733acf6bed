import { describe, expect, it } from "vitest";
import { cmq, createQueue, uniqueName } from "./cmq";
import { useTestClock } from "./test-clock";

describe("CreateQueue", () => {
  it("creates a queue with CMQ's defaults and returns its queueId", async () => {
    const queueName = uniqueName();
    const created = await cmq("CreateQueue", { queueName });
    expect(created).toMatchObject({ code: 0, message: "" });
    expect(created.queueId).toMatch(/^queue-[0-9a-f]{12}$/);
    expect(typeof created.requestId).toBe("string");
    const attrs = await cmq("GetQueueAttributes", { queueName });
    expect(attrs).toMatchObject({
      code: 0,
      queueName,
      queueId: created.queueId,
      maxMsgHeapNum: 100_000_000,
      pollingWaitSeconds: 0,
      visibilityTimeout: 30,
      maxMsgSize: 65536,
      msgRetentionSeconds: 345600,
      rewindSeconds: 0,
      activeMsgNum: 0,
      inactiveMsgNum: 0,
      delayMsgNum: 0,
      rewindMsgNum: 0,
      rewindmsgNum: 0,
      minMsgTime: 0,
    });
    expect(Number.isInteger(attrs.createTime)).toBe(true);
    expect(attrs.lastModifyTime).toBe(attrs.createTime);
  });

  it("takes every attribute, including the Java SDK's 1 MiB maxMsgSize", async () => {
    const queueName = await createQueue({
      maxMsgHeapNum: 5_000_000,
      pollingWaitSeconds: 10,
      visibilityTimeout: 10,
      maxMsgSize: 1_048_576,
      msgRetentionSeconds: 345600,
      rewindSeconds: 3600,
    });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      maxMsgHeapNum: 5_000_000,
      pollingWaitSeconds: 10,
      visibilityTimeout: 10,
      maxMsgSize: 1_048_576,
      rewindSeconds: 3600,
    });
  });

  it("refuses an existing name in any letter case with code 4000", async () => {
    const queueName = await createQueue();
    const again = await cmq("CreateQueue", { queueName: queueName.toUpperCase() });
    expect(again).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(4460)queue is already existed"),
    });
  });

  it.each<[Record<string, string | number>, number, string]>([
    [{ queueName: "2starts-with-digit" }, 4000, "(10020)"],
    [{ queueName: "has space" }, 4000, "(10020)"],
    [{ queueName: "q".repeat(65) }, 4000, "(10020)"],
    [{ pollingWaitSeconds: 60 }, 4000, "(10350)"],
    [{ visibilityTimeout: 0 }, 4000, "(10350)"],
    [{ maxMsgSize: 1023 }, 4000, "(10350)"],
    [{ maxMsgHeapNum: 999_999 }, 4000, "(10350)"],
    [{ msgRetentionSeconds: 59 }, 4000, "(10350)"],
    [{ msgRetentionSeconds: 60, rewindSeconds: 61 }, 4000, "(10700)"],
    [{ visibilityTimeout: "ten" }, 4000, "(10360)"],
  ])("refuses %j with code %i and creates nothing", async (params, code, module) => {
    const queueName = uniqueName();
    const reply = await cmq("CreateQueue", { queueName, ...params });
    expect(reply.code).toBe(code);
    expect(reply.message.startsWith(module)).toBe(true);
    const name = String(params.queueName ?? queueName);
    expect((await cmq("ListQueue", { searchWord: name })).totalCount).toBe(0);
  });
});

describe("DeleteQueue", () => {
  it("deletes the queue, its messages and its listing", async () => {
    const queueName = await createQueue();
    await cmq("SendMessage", { queueName, msgBody: "x" });
    expect(await cmq("DeleteQueue", { queueName })).toMatchObject({ code: 0 });
    expect((await cmq("GetQueueAttributes", { queueName })).code).toBe(4440);
    expect((await cmq("ListQueue", { searchWord: queueName })).totalCount).toBe(0);
    // The name can be used again, and starts empty.
    await cmq("CreateQueue", { queueName });
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).code).toBe(7000);
  });

  it("answers 4440 for a queue that does not exist", async () => {
    expect(await cmq("DeleteQueue", { queueName: uniqueName() })).toMatchObject({
      code: 4440,
      message: expect.stringContaining("(10100)queue is not existed"),
    });
  });
});

describe("ListQueue", () => {
  it("filters by substring and pages with offset and limit, counting all matches", async () => {
    const prefix = uniqueName("list");
    const names = [`${prefix}_a`, `${prefix}_b`, `${prefix}_c`];
    for (const queueName of names) await cmq("CreateQueue", { queueName });
    const all = await cmq("ListQueue", { searchWord: prefix });
    expect(all.totalCount).toBe(3);
    expect(all.queueList.map((q: { queueName: string }) => q.queueName)).toEqual(names);
    expect(all.queueList[0].queueId).toMatch(/^queue-/);
    const page = await cmq("ListQueue", { searchWord: prefix, offset: 1, limit: 1 });
    expect(page).toMatchObject({ totalCount: 3, queueList: [{ queueName: names[1] }] });
  });

  it("refuses a limit above 50", async () => {
    expect((await cmq("ListQueue", { limit: 51 })).code).toBe(4000);
  });
});

describe("SetQueueAttributes", () => {
  it("changes only the given attributes and returns the new values", async () => {
    const queueName = await createQueue({ visibilityTimeout: 10 });
    const reply = await cmq("SetQueueAttributes", { queueName, pollingWaitSeconds: 20 });
    expect(reply).toMatchObject({ code: 0, pollingWaitSeconds: 20, visibilityTimeout: 10 });
    expect(reply.queueId).toMatch(/^queue-/);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      pollingWaitSeconds: 20,
      visibilityTimeout: 10,
    });
  });

  it("refuses out-of-range values and leaves the queue unchanged", async () => {
    const queueName = await createQueue({ visibilityTimeout: 10 });
    expect((await cmq("SetQueueAttributes", { queueName, visibilityTimeout: 43201 })).code).toBe(
      4000,
    );
    expect((await cmq("SetQueueAttributes", { queueName, rewindSeconds: 400_000 })).code).toBe(
      4000,
    );
    expect((await cmq("GetQueueAttributes", { queueName })).visibilityTimeout).toBe(10);
  });

  it("answers 4440 for a missing queue", async () => {
    expect(
      (await cmq("SetQueueAttributes", { queueName: uniqueName(), visibilityTimeout: 5 })).code,
    ).toBe(4440);
  });
});

describe("GetQueueAttributes", () => {
  const clock = useTestClock();

  it("counts only what a receive can take, before the alarm removes expired messages", async () => {
    const queueName = await createQueue({ msgRetentionSeconds: 60 });
    for (const msgBody of ["old", "old too"]) await cmq("SendMessage", { queueName, msgBody });
    // The first two outlive retention; their alarm has not run yet.
    clock.advance(61_000);
    await cmq("SendMessage", { queueName, msgBody: "young" });
    const attributes = await cmq("GetQueueAttributes", { queueName });
    expect(attributes).toMatchObject({ activeMsgNum: 1, inactiveMsgNum: 0, delayMsgNum: 0 });
    const got = await cmq("BatchReceiveMessage", { queueName, numOfMsg: 16 });
    expect(got.msgInfoList.map((m: { msgBody: string }) => m.msgBody)).toEqual(["young"]);
    expect(attributes.minMsgTime).toBe(got.msgInfoList[0].enqueueTime);
  });
});

describe("RewindQueue", () => {
  it("makes deleted messages deliverable again", async () => {
    const queueName = await createQueue({ rewindSeconds: 3600 });
    const start = Math.floor(Date.now() / 1000) - 1;
    await cmq("SendMessage", { queueName, msgBody: "replay me" });
    const got = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    await cmq("DeleteMessage", { queueName, receiptHandle: got.receiptHandle });
    expect((await cmq("GetQueueAttributes", { queueName })).rewindMsgNum).toBe(1);
    expect(await cmq("RewindQueue", { queueName, startConsumeTime: start })).toMatchObject({
      code: 0,
    });
    const again = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    expect(again).toMatchObject({
      code: 0,
      msgBody: "replay me",
      msgId: got.msgId,
      dequeueCount: 2,
    });
  });

  it("answers 6050 for a queue without rewindSeconds and 4000 outside the window", async () => {
    const plain = await createQueue();
    const now = Math.floor(Date.now() / 1000);
    expect(await cmq("RewindQueue", { queueName: plain, startConsumeTime: now })).toMatchObject({
      code: 6050,
      message: expect.stringContaining("(10670)"),
    });
    const rewindable = await createQueue({ rewindSeconds: 60 });
    expect(
      (await cmq("RewindQueue", { queueName: rewindable, startConsumeTime: now - 3600 })).code,
    ).toBe(4000);
    expect((await cmq("RewindQueue", { queueName: rewindable })).message).toContain(
      "startConsumeTime",
    );
  });
});
