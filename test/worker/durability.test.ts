import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { cmq, createQueue, indexed, uniqueName } from "./cmq";
import { queueStub } from "./objects";
import { useTestClock } from "./test-clock";

describe("durability", () => {
  it("keeps acknowledged messages, in-flight state and counters across an eviction of the object", async () => {
    const queueName = await createQueue({ visibilityTimeout: 600 });
    await cmq("BatchSendMessage", {
      queueName,
      ...indexed("msgBody", ["kept-1", "kept-2", "kept-3"]),
    });
    const inFlight = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    await evictDurableObject(queueStub(queueName));
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 2,
      inactiveMsgNum: 1,
    });
    const rest = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(rest.msgInfoList.map((m: { msgBody: string }) => m.msgBody)).toEqual([
      "kept-2",
      "kept-3",
    ]);
    expect(
      (await cmq("DeleteMessage", { queueName, receiptHandle: inFlight.receiptHandle })).code,
    ).toBe(0);
  });

  it("keeps no storage for a queue name that was only looked up", async () => {
    const queueName = uniqueName();
    expect((await cmq("GetQueueAttributes", { queueName })).code).toBe(4440);
    const tables = await runInDurableObject(queueStub(queueName), (_, state) =>
      state.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE name NOT LIKE '\\_%' ESCAPE '\\'")
        .toArray(),
    );
    expect(tables).toEqual([]);
  });
});

describe("retention by alarm", () => {
  const clock = useTestClock();

  it("removes messages past msgRetentionSeconds when the alarm runs", async () => {
    const queueName = await createQueue({ msgRetentionSeconds: 60 });
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["old-1", "old-2"]) });
    const stub = queueStub(queueName);
    clock.advance(61_000);
    // Receive already hides them, and brings the alarm forward to their expiry, which has passed:
    // the alarm may run on its own at once; run it here in case it has not.
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).code).toBe(7000);
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => {
      const rows = await runInDurableObject(stub, (_, state) =>
        state.storage.sql.exec("SELECT COUNT(*) AS n FROM message").one(),
      );
      expect(rows.n).toBe(0);
    });
    expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(0);
  });
});

describe("capacity", () => {
  it("refuses a send over maxMsgHeapNum with 4410 and stores nothing of it", async () => {
    const queueName = await createQueue();
    // The smallest settable cap is 1,000,000; lower it in storage to test the boundary quickly.
    await runInDurableObject(queueStub(queueName), (_, state) => {
      state.storage.sql.exec("UPDATE queue_meta SET max_msg_heap_num = 3");
    });
    await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["1", "2"]) });
    expect(
      await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["3", "4"]) }),
    ).toMatchObject({
      code: 4410,
      message: expect.stringContaining("(10240)"),
    });
    expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(2);
    expect((await cmq("SendMessage", { queueName, msgBody: "3" })).code).toBe(0);
    expect((await cmq("SendMessage", { queueName, msgBody: "4" })).code).toBe(4410);
  });
});

describe("volume", () => {
  it("receives and deletes 10,000 messages with nothing lost or duplicated", async () => {
    const queueName = await createQueue({ visibilityTimeout: 600 });
    const total = 10_000;
    const batches = Array.from({ length: total / 16 }, (_, b) =>
      Array.from({ length: 16 }, (_, i) => `m-${b * 16 + i}`),
    );
    for (let i = 0; i < batches.length; i += 8) {
      await Promise.all(
        batches.slice(i, i + 8).map(async (bodies) => {
          const reply = await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", bodies) });
          expect(reply.code).toBe(0);
        }),
      );
    }
    expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(total);
    const seen = new Set<string>();
    let duplicates = 0;
    const consumer = async () => {
      for (;;) {
        const got = await cmq("BatchReceiveMessage", {
          queueName,
          numOfMsg: 16,
          pollingWaitSeconds: 0,
        });
        if (got.code === 7000) return;
        for (const m of got.msgInfoList) {
          if (seen.has(m.msgBody)) duplicates++;
          seen.add(m.msgBody);
        }
        const handles = got.msgInfoList.map((m: { receiptHandle: string }) => m.receiptHandle);
        expect(
          (await cmq("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", handles) }))
            .code,
        ).toBe(0);
      }
    };
    await Promise.all(Array.from({ length: 4 }, consumer));
    expect(duplicates).toBe(0);
    expect(seen.size).toBe(total);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  }, 120_000);
});
