import { describe, expect, it } from "vitest";
import { cmq, createQueue, uniqueName } from "./cmq";

describe("EdgeGetMessageTrace", () => {
  it("tells what happened to a message over HTTP, step by step", async () => {
    const queueName = await createQueue({ trace: 1 });
    const sent = await cmq("SendMessage", { queueName, msgBody: "traced" });
    const got = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    await cmq("DeleteMessage", { queueName, receiptHandle: got.receiptHandle });
    const reply = await cmq("EdgeGetMessageTrace", { queueName, msgId: sent.msgId });
    expect(reply).toMatchObject({ code: 0, msgId: sent.msgId });
    expect(reply.events).toEqual([
      expect.objectContaining({ event: "sent", via: "http", client: "cmq-edge-client" }),
      expect.objectContaining({
        event: "delivered",
        receiptHandle: got.receiptHandle,
        dequeueCount: 1,
      }),
      expect.objectContaining({ event: "deleted" }),
    ]);
    for (const e of reply.events) expect(Number.isInteger(e.time)).toBe(true);
  });

  it("records nothing on a queue without trace, and refuses a malformed id", async () => {
    const queueName = await createQueue();
    const sent = await cmq("SendMessage", { queueName, msgBody: "quiet" });
    expect((await cmq("EdgeGetMessageTrace", { queueName, msgId: sent.msgId })).events).toEqual([]);
    expect((await cmq("EdgeGetMessageTrace", { queueName, msgId: "x1" })).code).toBe(4000);
    expect((await cmq("EdgeGetMessageTrace", { queueName: uniqueName(), msgId: "1" })).code).toBe(
      4440,
    );
  });

  it("can be switched on with SetQueueAttributes, and is reported", async () => {
    const queueName = await createQueue();
    expect((await cmq("SetQueueAttributes", { queueName, trace: 1 })).trace).toBe(1);
    expect((await cmq("GetQueueAttributes", { queueName })).trace).toBe(1);
    expect((await cmq("SetQueueAttributes", { queueName, trace: 2 })).code).toBe(4000);
  });
});
