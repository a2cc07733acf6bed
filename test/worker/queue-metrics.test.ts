/**
 * EdgeGetQueueMetrics and EdgeListQueueMetrics over the signed API: depth, stored totals that
 * outlive the object, the last hour minute by minute, sharded queues added up, a page of the
 * tenant's queues, and a tenant seeing only its own.
 */
import { evictDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { cmq, createQueue, indexed, TENANT_B, uniqueName } from "./cmq";
import { queueStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();
const MIN = 60_000;

// Each test starts a second into a minute, so what it does within real seconds stays in it.
beforeEach(() => clock.advance(MIN - (clock.now() % MIN) + 1000));

async function ok(action: string, params: Record<string, string | number>) {
  const reply = await cmq(action, params);
  if (reply.code !== 0) throw new Error(`${action}: ${reply.code} ${reply.message}`);
  return reply;
}

/** Sends `n` messages, receives `received` of them and deletes `deleted` of those. */
async function traffic(queueName: string, n: number, received: number, deleted: number) {
  await ok("BatchSendMessage", {
    queueName,
    ...indexed(
      "msgBody",
      Array.from({ length: n }, (_, i) => `m${i}`),
    ),
  });
  const got = await ok("BatchReceiveMessage", {
    queueName,
    numOfMsg: received,
    pollingWaitSeconds: 0,
  });
  const handles = got.msgInfoList
    .slice(0, deleted)
    .map((m: { receiptHandle: string }) => m.receiptHandle);
  if (handles.length > 0)
    await ok("BatchDeleteMessage", { queueName, ...indexed("receiptHandle", handles) });
}

describe("EdgeGetQueueMetrics", () => {
  it("answers depth, totals and the last hour, and the totals outlive the object", async () => {
    const queueName = await createQueue({ visibilityTimeout: 600 });
    await traffic(queueName, 5, 3, 2);
    await evictDurableObject(queueStub(queueName));
    const reply = await ok("EdgeGetQueueMetrics", { queueName });
    expect(reply).toMatchObject({
      queueName,
      activeMsgNum: 2,
      inactiveMsgNum: 1,
      delayMsgNum: 0,
      deadLetterMsgNum: 0,
      waitingReceiverNum: 0,
      totals: { sent: 5, received: 3, deleted: 2, deadLettered: 0, expired: 0, redriven: 0 },
    });
    expect(reply.history).toHaveLength(60);
    const now = reply.history.at(-1);
    expect(now).toMatchObject({ depth: 3, sent: 5, received: 3, deleted: 2 });
    expect(now.time).toBe(Math.floor(clock.now() / MIN) * 60);
  });

  it("puts each minute's traffic in its own minute, quiet ones at zero", async () => {
    const queueName = await createQueue({ visibilityTimeout: 600 });
    await traffic(queueName, 4, 2, 2);
    clock.advance(2 * MIN);
    await traffic(queueName, 3, 1, 0);
    const { history } = await ok("EdgeGetQueueMetrics", { queueName });
    expect(
      history
        .slice(-3)
        .map((m: Record<string, number>) => [m.depth, m.sent, m.received, m.deleted]),
    ).toEqual([
      [2, 4, 2, 2],
      [2, 0, 0, 0],
      [5, 3, 1, 0],
    ]);
  });

  it("adds a sharded queue's shards up", async () => {
    const queueName = await createQueue({ shards: 4, visibilityTimeout: 600 });
    for (let i = 0; i < 8; i++) await ok("SendMessage", { queueName, msgBody: `m${i}` });
    const reply = await ok("EdgeGetQueueMetrics", { queueName });
    expect(reply).toMatchObject({ activeMsgNum: 8, totals: { sent: 8 } });
    expect(reply.history.at(-1)).toMatchObject({ depth: 8, sent: 8 });
  });

  it("answers 4440 for a queue the tenant does not have", async () => {
    const queueName = await createQueue();
    expect((await cmq("EdgeGetQueueMetrics", { queueName: uniqueName() })).code).toBe(4440);
    expect((await cmq("EdgeGetQueueMetrics", { queueName }, { credentials: TENANT_B })).code).toBe(
      4440,
    );
  });
});

describe("EdgeListQueueMetrics", () => {
  it("pages the tenant's queues as ListQueue does, each with its metrics", async () => {
    const prefix = uniqueName("lm");
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const queueName of names) await ok("CreateQueue", { queueName });
    await traffic(names[1] as string, 2, 1, 1);
    const first = await ok("EdgeListQueueMetrics", { searchWord: prefix, limit: 2 });
    const second = await ok("EdgeListQueueMetrics", { searchWord: prefix, offset: 2, limit: 2 });
    expect(first.totalCount).toBe(3);
    const listed = [...first.queueList, ...second.queueList];
    expect(listed.map((q: { queueName: string }) => q.queueName).sort()).toEqual(names);
    const b = listed.find((q: { queueName: string }) => q.queueName === names[1]);
    expect(b).toMatchObject({ activeMsgNum: 1, totals: { sent: 2, received: 1, deleted: 1 } });
    expect(b.history).toHaveLength(60);
    const asB = await cmq(
      "EdgeListQueueMetrics",
      { searchWord: prefix },
      { credentials: TENANT_B },
    );
    expect(asB).toMatchObject({ code: 0, totalCount: 0, queueList: [] });
  });
});
