import { describe, expect, it } from "vitest";
import { cmq, createQueue, indexed, uniqueName } from "./cmq";

describe("SendMessage / ReceiveMessage / DeleteMessage", () => {
  it("round-trips a message with CMQ's field names and JSON types", async () => {
    const queueName = await createQueue();
    const body = 'héllo 世界 +&=% \n"quoted"';
    const sent = await cmq("SendMessage", { queueName, msgBody: body });
    expect(sent).toMatchObject({ code: 0, message: "" });
    expect(sent.msgId).toMatch(/^[0-9]+$/);
    const got = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    expect(got).toMatchObject({ code: 0, msgBody: body, msgId: sent.msgId, dequeueCount: 1 });
    expect(got.receiptHandle).toMatch(/^[0-9]+$/);
    for (const field of ["enqueueTime", "firstDequeueTime", "nextVisibleTime"]) {
      expect(Number.isInteger(got[field])).toBe(true);
    }
    expect(got.firstDequeueTime).toBeGreaterThanOrEqual(got.enqueueTime);
    expect(got.nextVisibleTime).toBe(got.firstDequeueTime + 30);
    expect(
      await cmq("DeleteMessage", { queueName, receiptHandle: got.receiptHandle }),
    ).toMatchObject({ code: 0 });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("answers 7000 `(10200)no message` on an empty queue", async () => {
    const queueName = await createQueue();
    expect(await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).toMatchObject({
      code: 7000,
      message: "(10200)no message",
    });
  });

  it("holds a delayed message back and counts it as delayed", async () => {
    const queueName = await createQueue();
    await cmq("SendMessage", { queueName, msgBody: "later", delaySeconds: 3600 });
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).code).toBe(7000);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      delayMsgNum: 1,
      activeMsgNum: 0,
    });
  });

  it("answers 4430 for a handle already used, and 4000 for a malformed one", async () => {
    const queueName = await createQueue();
    await cmq("SendMessage", { queueName, msgBody: "x" });
    const got = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    await cmq("DeleteMessage", { queueName, receiptHandle: got.receiptHandle });
    expect(
      await cmq("DeleteMessage", { queueName, receiptHandle: got.receiptHandle }),
    ).toMatchObject({
      code: 4430,
      message: "(10260)receipt handle is invalid",
    });
    expect((await cmq("DeleteMessage", { queueName, receiptHandle: "not-a-handle" })).code).toBe(
      4000,
    );
  });

  it("refuses a body larger than the queue's maxMsgSize with 4400 and stores nothing", async () => {
    const queueName = await createQueue({ maxMsgSize: 1024 });
    expect(await cmq("SendMessage", { queueName, msgBody: "x".repeat(1025) })).toMatchObject({
      code: 4400,
      message: expect.stringContaining("(10230)"),
    });
    expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(0);
  });

  it("answers 4440 on a queue that does not exist", async () => {
    const queueName = uniqueName();
    for (const [action, params] of [
      ["SendMessage", { msgBody: "x" }],
      ["ReceiveMessage", {}],
      ["DeleteMessage", { receiptHandle: "65536" }],
    ] as const) {
      expect((await cmq(action, { queueName, ...params })).code).toBe(4440);
    }
  });
});

describe("batch actions", () => {
  it("sends, receives and deletes up to 16 messages, with 1-based or 0-based indices", async () => {
    const queueName = await createQueue();
    const bodies = Array.from({ length: 16 }, (_, i) => `m${i}`);
    const sent = await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", bodies, 0) });
    expect(sent.msgList).toHaveLength(16);
    const got = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(got.msgInfoList.map((m: { msgBody: string }) => m.msgBody)).toEqual(bodies);
    expect(got.msgInfoList.map((m: { msgId: string }) => m.msgId)).toEqual(
      sent.msgList.map((m: { msgId: string }) => m.msgId),
    );
    const handles = got.msgInfoList.map((m: { receiptHandle: string }) => m.receiptHandle);
    expect(
      await cmq("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", handles) }),
    ).toMatchObject({ code: 0 });
    expect((await cmq("GetQueueAttributes", { queueName })).inactiveMsgNum).toBe(0);
  });

  it("returns as soon as some messages are available, without filling numOfMsg", async () => {
    const queueName = await createQueue();
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b"]) });
    const got = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 5,
    });
    expect(got.msgInfoList).toHaveLength(2);
  });

  it("reports a partial batch delete with 6010 and an errorList", async () => {
    const queueName = await createQueue();
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b"]) });
    const got = await cmq("BatchReceiveMessage", { queueName, numOfMsg: 2, pollingWaitSeconds: 0 });
    const [first, second] = got.msgInfoList.map((m: { receiptHandle: string }) => m.receiptHandle);
    await cmq("DeleteMessage", { queueName, receiptHandle: first });
    const reply = await cmq("BatchDeleteMessage", {
      queueName,
      ...indexed("receiptHandle", [first, second]),
    });
    expect(reply).toMatchObject({
      code: 6010,
      message: "(10150)delete message partially failed",
      errorList: [
        { code: 4430, message: "(10260)receipt handle is invalid", receiptHandle: first },
      ],
    });
    const none = await cmq("BatchDeleteMessage", {
      queueName,
      ...indexed("receiptHandle", [first, second]),
    });
    expect(none).toMatchObject({
      code: 6020,
      errorList: [{ receiptHandle: first }, { receiptHandle: second }],
    });
  });

  it("refuses more than 16 items, gaps in indices and an empty list, storing nothing", async () => {
    const queueName = await createQueue();
    const seventeen = Array.from({ length: 17 }, (_, i) => `m${i}`);
    expect(
      await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", seventeen) }),
    ).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(10370)"),
    });
    expect(
      await cmq("BatchSendMessage", { queueName, "msgBody.1": "a", "msgBody.3": "c" }),
    ).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(10380)"),
    });
    expect((await cmq("BatchSendMessage", { queueName })).code).toBe(4000);
    expect((await cmq("BatchReceiveMessage", { queueName, numOfMsg: 17 })).code).toBe(4000);
    expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(0);
  });
});

describe("transport details", () => {
  it("accepts GET with the parameters in the query string", async () => {
    const queueName = await createQueue();
    const sent = await cmq("SendMessage", { queueName, msgBody: "via get" }, { method: "GET" });
    expect(sent.code).toBe(0);
    expect(
      (await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 }, { method: "GET" }))
        .msgBody,
    ).toBe("via get");
  });

  it("serves any path, as TDMQ-era SDKs post to `/`", async () => {
    const queueName = await createQueue({}, { url: "http://cmq.test/" });
    expect(
      (
        await cmq(
          "GetQueueAttributes",
          { queueName },
          { url: "http://cmq.test/any/prefix/v2/index.php" },
        )
      ).code,
    ).toBe(0);
  });

  it("matches action names case-insensitively (the Java SDK's ClearSUbscriptionFIlterTags)", async () => {
    const queueName = await createQueue();
    expect((await cmq("getqueueATTRIBUTES", { queueName })).code).toBe(0);
  });

  it("answers an unknown action with `(10430)action name X is not existed`", async () => {
    expect(await cmq("PeekMessage", { queueName: "q" })).toMatchObject({
      code: 4000,
      message: "(10430)action name PeekMessage is not existed",
    });
  });
});
