import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { defaultQueueAttributes } from "../../src/domain/queue/meta";
import { cmq, createQueue, indexed, type Reply, TENANT_A, uniqueName } from "./cmq";
import { parkedReceivers, queueStub, topicStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();

const SHARDS = 4;
const appId = TENANT_A.appId;
const shardOf = (id: string) => Number(BigInt(id) >> 56n);

/** Everything receivable now, batch by batch, until a receive finds nothing. */
async function drain(queueName: string): Promise<Reply[]> {
  const all: Reply[] = [];
  for (;;) {
    const reply = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    if (reply.code === 7000) return all;
    expect(reply.code).toBe(0);
    all.push(...reply.msgInfoList);
  }
}

/** Messages on each shard now (live ones: active, in flight, delayed). */
async function perShard(queueName: string): Promise<number[]> {
  const counts: number[] = [];
  for (let shard = 0; shard < SHARDS; shard++) {
    const view = await queueStub(queueName, appId, shard).attributes({ queue: queueName });
    if (!view.ok) throw new Error(`shard ${shard}: ${view.error.kind}`);
    counts.push(view.value.activeMsgNum + view.value.inactiveMsgNum + view.value.delayMsgNum);
  }
  return counts;
}

async function parkedOn(queueName: string, shard: number): Promise<number> {
  return runInDurableObject(queueStub(queueName, appId, shard), (o) => parkedReceivers(o));
}

describe("sharded queues (shards attribute)", () => {
  it("spreads sends over the shards, receives every message once and deletes by handle", async () => {
    const queueName = await createQueue({ shards: SHARDS });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ shards: SHARDS });
    const sent = new Set<string>();
    for (let i = 0; i < 24; i++) {
      sent.add((await cmq("SendMessage", { queueName, msgBody: `m${i}` })).msgId);
    }
    const batch = await cmq("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b"]) });
    for (const m of batch.msgList) sent.add(m.msgId);
    expect(new Set([...sent].map(shardOf)).size).toBeGreaterThan(1);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ activeMsgNum: 26 });

    const received = await drain(queueName);
    expect(received.map((m) => m.msgId).sort()).toEqual([...sent].sort());
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 26,
    });
    for (let i = 0; i < received.length; i += 16) {
      const handles = received.slice(i, i + 16).map((m) => m.receiptHandle);
      expect(
        (await cmq("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", handles) })).code,
      ).toBe(0);
    }
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("wakes a long poll parked on every shard, and lets the other shards go", async () => {
    const queueName = await createQueue({ shards: SHARDS });
    const receiving = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 });
    await vi.waitFor(
      async () => {
        for (let shard = 0; shard < SHARDS; shard++)
          expect(await parkedOn(queueName, shard)).toBe(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    await cmq("SendMessage", { queueName, msgBody: "arrived" });
    expect(await receiving).toMatchObject({ code: 0, msgBody: "arrived" });
    for (let shard = 0; shard < SHARDS; shard++) expect(await parkedOn(queueName, shard)).toBe(0);
  });

  it("answers no message when a long poll on every shard ends empty", async () => {
    const queueName = await createQueue({ shards: 2, pollingWaitSeconds: 20 });
    const receiving = cmq("ReceiveMessage", { queueName });
    await vi.waitFor(
      async () => {
        for (let shard = 0; shard < 2; shard++) expect(await parkedOn(queueName, shard)).toBe(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    clock.advance(20_000);
    expect(await receiving).toMatchObject({ code: 7000 });
  });

  it("keeps the shard count fixed after CreateQueue", async () => {
    const queueName = await createQueue({ shards: 2 });
    expect(await cmq("SetQueueAttributes", { queueName, shards: 3 })).toMatchObject({
      code: 4000,
      message: expect.stringContaining("fixed"),
    });
    expect(
      (await cmq("SetQueueAttributes", { queueName, shards: 2, visibilityTimeout: 60 })).code,
    ).toBe(0);
    // Every shard took the new setting: a message from any of them stays invisible 60 s.
    for (let i = 0; i < 8; i++) await cmq("SendMessage", { queueName, msgBody: `m${i}` });
    for (const m of await drain(queueName)) expect(m.nextVisibleTime - m.firstDequeueTime).toBe(60);
    expect((await cmq("CreateQueue", { queueName: uniqueName(), shards: 17 })).code).toBe(4000);
  });

  it("deletes every shard with the queue", async () => {
    const queueName = await createQueue({ shards: 3 });
    for (let i = 0; i < 6; i++) await cmq("SendMessage", { queueName, msgBody: `m${i}` });
    expect((await cmq("DeleteQueue", { queueName })).code).toBe(0);
    for (let shard = 0; shard < 3; shard++) {
      expect(await queueStub(queueName, appId, shard).exists()).toBe(false);
    }
  });

  it("re-routes a caller that believed the queue had one shard", async () => {
    // Shards made behind the Worker's back: the Worker has not learnt their count.
    const queueName = uniqueName();
    const attributes = { ...defaultQueueAttributes(), shards: 2 };
    for (const shard of [1, 0]) {
      const created = await queueStub(queueName, appId, shard).create({
        name: queueName,
        queueId: "queue-000000000000",
        appId,
        shard,
        attributes,
      });
      expect(created.ok).toBe(true);
    }
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      ids.push((await cmq("SendMessage", { queueName, msgBody: `m${i}` })).msgId);
    }
    // Both shards took messages: the Worker learnt the count from shard 0's refusal.
    expect(new Set(ids.map(shardOf)).size).toBe(2);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ activeMsgNum: 16 });
    expect(await drain(queueName)).toHaveLength(16);
  });

  it("spreads 1,000 topic deliveries to a sharded queue over every shard", async () => {
    const queueName = await createQueue({ shards: SHARDS });
    const topicName = uniqueName("t");
    expect((await cmq("CreateTopic", { topicName })).code).toBe(0);
    const subscription = { topicName, subscriptionName: "s", protocol: "queue" };
    expect((await cmq("Subscribe", { ...subscription, endpoint: queueName })).code).toBe(0);
    for (let i = 0; i < 1000; i += 16) {
      const bodies = Array.from({ length: Math.min(16, 1000 - i) }, (_, k) => `p${i + k}`);
      const reply = await cmq("BatchPublishMessage", { topicName, ...indexed("msgBody", bodies) });
      expect(reply.code).toBe(0);
    }
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(topicStub(topicName));
        expect((await cmq("GetQueueAttributes", { queueName })).activeMsgNum).toBe(1000);
      },
      { timeout: 20_000, interval: 50 },
    );
    const spread = await perShard(queueName);
    console.log(`1,000 topic deliveries over ${SHARDS} shards: ${spread.join(" / ")}`);
    expect(spread.every((n) => n > 0)).toBe(true);
    expect(spread.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("lets a sharded dead-letter queue take hand-offs on every shard", async () => {
    const dlq = await createQueue({ shards: SHARDS });
    const deadLetterPolicy = JSON.stringify({
      deadLetterQueue: dlq,
      policy: 0,
      maxReceiveCount: 1,
    });
    const source = await createQueue({ visibilityTimeout: 30, deadLetterPolicy });
    for (let i = 0; i < 64; i += 16) {
      const bodies = Array.from({ length: 16 }, (_, k) => `d${i + k}`);
      await cmq("BatchSendMessage", { queueName: source, ...indexed("msgBody", bodies) });
    }
    expect(await drain(source)).toHaveLength(64);
    // Due again: the receive that finds them marks them for the dead-letter queue.
    clock.advance(30_000);
    expect(await cmq("ReceiveMessage", { queueName: source, pollingWaitSeconds: 0 })).toMatchObject(
      { code: 7000 },
    );
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(queueStub(source));
        expect((await cmq("GetQueueAttributes", { queueName: dlq })).activeMsgNum).toBe(64);
      },
      { timeout: 20_000, interval: 50 },
    );
    const spread = await perShard(dlq);
    expect(spread.every((n) => n > 0)).toBe(true);
    expect((await cmq("GetQueueAttributes", { queueName: source })).activeMsgNum).toBe(0);
  });
});
