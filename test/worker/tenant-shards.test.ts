/**
 * Tenant isolation of sharded queues, both ways round: one tenant's queue spread over shard
 * objects (`appId/name#n`), the other tenant calling every queue and message action on its name
 * and handles, then making its own sharded queue of that name. Neither reaches the other's shards.
 */
import { describe, expect, it } from "vitest";
import {
  appIdOf,
  cmq,
  cmqOk,
  indexed,
  type Reply,
  TENANT_A,
  TENANT_B,
  uniqueName,
  withoutRequestId,
} from "./cmq";
import { queueStub } from "./objects";

const shardOf = (id: string) => Number(BigInt(id) >> 56n);

type ShardView = "none" | { activeMsgNum: number; inactiveMsgNum: number; delayMsgNum: number };

/** Every shard object of the name under this tenant: its counts, or that it does not exist. */
async function shardsOf(queueName: string, appId: string, shards: number) {
  const views: ShardView[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const stub = queueStub(queueName, appId, shard);
    if (!(await stub.exists())) {
      views.push("none");
      continue;
    }
    const view = await stub.attributes({ queue: queueName });
    if (!view.ok) throw new Error(`shard ${shard}: ${view.error.kind}`);
    const { activeMsgNum, inactiveMsgNum, delayMsgNum } = view.value;
    views.push({ activeMsgNum, inactiveMsgNum, delayMsgNum });
  }
  return views;
}

describe.each([
  ["A", "B", TENANT_A, TENANT_B],
  ["B", "A", TENANT_B, TENANT_A],
])("tenant %s's sharded queue, and tenant %s", (_, __, owner, intruder) => {
  const SHARDS = 4;
  const ownerApp = appIdOf(owner);
  const intruderApp = appIdOf(intruder);

  /** A 4-shard queue of the owner's with 12 messages over several shards, 4 of them in flight. */
  async function ownersQueue() {
    const queueName = uniqueName("sharded");
    await cmqOk("CreateQueue", { queueName, shards: SHARDS }, owner);
    const bodies = Array.from({ length: 12 }, (_, i) => `${ownerApp}-private-${queueName}-${i}`);
    const ids: string[] = [];
    for (const msgBody of bodies)
      ids.push((await cmqOk("SendMessage", { queueName, msgBody }, owner)).msgId);
    expect(new Set(ids.map(shardOf)).size).toBeGreaterThan(1);
    const received = await cmqOk(
      "BatchReceiveMessage",
      { queueName, numOfMsg: 4, pollingWaitSeconds: 0 },
      owner,
    );
    const handles: string[] = received.msgInfoList.map((m: Reply) => m.receiptHandle);
    const state = async () => ({
      shards: await shardsOf(queueName, ownerApp, SHARDS),
      attributes: withoutRequestId(
        await cmq("GetQueueAttributes", { queueName }, { credentials: owner }),
      ),
    });
    return { queueName, bodies, handles, state, baseline: await state() };
  }

  it("refuses every queue and message action on the owner's name, and touches no shard", async () => {
    const q = await ownersQueue();
    expect(q.baseline.shards.every((s) => s !== "none")).toBe(true);
    const { queueName } = q;
    const rows: [string, Record<string, string | number>][] = [
      ["SendMessage", { queueName, msgBody: "intruder" }],
      ["BatchSendMessage", { queueName, ...indexed("msgBody", ["i1", "i2", "i3", "i4"]) }],
      ["ReceiveMessage", { queueName, pollingWaitSeconds: 0 }],
      ["BatchReceiveMessage", { queueName, numOfMsg: 16, pollingWaitSeconds: 0 }],
      ...q.handles.map((receiptHandle): [string, Record<string, string>] => [
        "DeleteMessage",
        { queueName, receiptHandle },
      ]),
      ["BatchDeleteMessage", { queueName, ...indexed("receiptHandle", q.handles) }],
      ["GetQueueAttributes", { queueName }],
      ["SetQueueAttributes", { queueName, visibilityTimeout: 5 }],
      ["RewindQueue", { queueName, startConsumeTime: Math.floor(Date.now() / 1000) - 60 }],
      ["QueryQueueRoute", { queueName }],
      ["DeleteQueue", { queueName }],
    ];
    for (const [action, params] of rows) {
      const reply = await cmq(action, params, { credentials: intruder });
      expect({ action, code: reply.code }).toEqual({ action, code: 4440 });
      for (const body of q.bodies) expect(JSON.stringify(reply)).not.toContain(body);
    }
    expect(await q.state()).toEqual(q.baseline);
    // Nothing was made under the intruder's name either.
    expect(await shardsOf(queueName, intruderApp, SHARDS)).toEqual(Array(SHARDS).fill("none"));
  });

  it("keeps a same-named sharded queue of the intruder's on shard objects of its own", async () => {
    const q = await ownersQueue();
    const { queueName } = q;
    await cmqOk("CreateQueue", { queueName, shards: 2 }, intruder);
    const mine = Array.from({ length: 8 }, (_, i) => `${intruderApp}-own-${i}`);
    for (const msgBody of mine) await cmqOk("SendMessage", { queueName, msgBody }, intruder);

    const own = await shardsOf(queueName, intruderApp, SHARDS);
    expect(own.slice(2)).toEqual(["none", "none"]);
    const live = own.slice(0, 2).map((s) => (s === "none" ? 0 : s.activeMsgNum));
    expect(live.reduce((a, b) => a + b, 0)).toBe(8);
    expect(await q.state()).toEqual(q.baseline);

    const got = await cmqOk(
      "BatchReceiveMessage",
      { queueName, numOfMsg: 16, pollingWaitSeconds: 0 },
      intruder,
    );
    const gotBodies: string[] = got.msgInfoList.map((m: Reply) => m.msgBody);
    expect(gotBodies.length).toBeGreaterThan(0);
    for (const body of gotBodies) expect(mine).toContain(body);
    const intruderHandle = got.msgInfoList[0].receiptHandle as string;

    // Handles name a shard and a sequence, never a tenant: each is refused in the other's queue.
    for (const receiptHandle of q.handles) {
      const reply = await cmq(
        "DeleteMessage",
        { queueName, receiptHandle },
        { credentials: intruder },
      );
      expect(reply.code).toBe(4430);
    }
    const foreign = await cmq(
      "DeleteMessage",
      { queueName, receiptHandle: intruderHandle },
      { credentials: owner },
    );
    expect(foreign.code).toBe(4430);
    expect(await q.state()).toEqual(q.baseline);

    // Each tenant's own handles still work in its own queue.
    for (const receiptHandle of q.handles)
      await cmqOk("DeleteMessage", { queueName, receiptHandle }, owner);
    await cmqOk("DeleteMessage", { queueName, receiptHandle: intruderHandle }, intruder);
    expect((await q.state()).attributes).toMatchObject({ activeMsgNum: 8, inactiveMsgNum: 0 });
  });
});
