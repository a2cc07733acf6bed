import { describe, expect, it } from "vitest";
import { cmq, createQueue, TENANT_B } from "./cmq";

describe("tenant isolation", () => {
  it.each<[string, Record<string, string | number>]>([
    ["GetQueueAttributes", {}],
    ["SetQueueAttributes", { visibilityTimeout: 5 }],
    ["RewindQueue", { startConsumeTime: 1 }],
    ["SendMessage", { msgBody: "intruder" }],
    ["BatchSendMessage", { "msgBody.1": "intruder" }],
    ["ReceiveMessage", { pollingWaitSeconds: 0 }],
    ["BatchReceiveMessage", { numOfMsg: 16, pollingWaitSeconds: 0 }],
    ["DeleteMessage", { receiptHandle: "65537" }],
    ["BatchDeleteMessage", { "receiptHandle.1": "65537" }],
    ["DeleteQueue", {}],
  ])("another tenant's %s finds no queue and changes nothing", async (action, params) => {
    const queueName = await createQueue({ rewindSeconds: 60 });
    await cmq("SendMessage", { queueName, msgBody: "private" });
    const before = await cmq("GetQueueAttributes", { queueName });
    const reply = await cmq(action, { queueName, ...params }, { credentials: TENANT_B });
    expect(reply.code).toBe(4440);
    const after = await cmq("GetQueueAttributes", { queueName });
    expect(after).toMatchObject({
      visibilityTimeout: before.visibilityTimeout,
      activeMsgNum: 1,
      inactiveMsgNum: 0,
      lastModifyTime: before.lastModifyTime,
    });
  });

  it("does not list another tenant's queues, and lets both use the same name apart", async () => {
    const queueName = await createQueue();
    expect(
      (await cmq("ListQueue", { searchWord: queueName }, { credentials: TENANT_B })).totalCount,
    ).toBe(0);
    expect((await cmq("CreateQueue", { queueName }, { credentials: TENANT_B })).code).toBe(0);
    await cmq("SendMessage", { queueName, msgBody: "for B" }, { credentials: TENANT_B });
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).code).toBe(7000);
    const b = await cmq(
      "ReceiveMessage",
      { queueName, pollingWaitSeconds: 0 },
      { credentials: TENANT_B },
    );
    expect(b.msgBody).toBe("for B");
  });
});
