import { describe, expect, it } from "vitest";
import { messageIdOf, receiptHandleOf } from "../../src/domain/ids";
import type { Outcome } from "../../src/domain/outcome";
import type { QueueView } from "../../src/domain/queue/queue-store";
import {
  foldShardAnswers,
  groupByShard,
  mergeViews,
  shardOfHandle,
  shardOfMessageId,
} from "../../src/domain/queue/sharding";

const view = (counts: Partial<QueueView>): QueueView => ({
  name: "q",
  queueId: "queue-1",
  attributes: {
    maxMsgHeapNum: 1_000_000,
    pollingWaitSeconds: 0,
    visibilityTimeout: 30,
    maxMsgSize: 65536,
    msgRetentionSeconds: 3600,
    rewindSeconds: 0,
    trace: 0,
    shards: 3,
  },
  createdAt: 1,
  modifiedAt: 2,
  activeMsgNum: 0,
  inactiveMsgNum: 0,
  delayMsgNum: 0,
  rewindMsgNum: 0,
  minMsgTime: 0,
  transactionMsgNum: 0,
  waitingReceiverNum: 0,
  deadLetterPolicy: null,
  redrive: null,
  redriveMoved: 0,
  ...counts,
});

describe("shard routing", () => {
  it("routes handles and ids to the shard that issued them, unknown ones to shard 0", () => {
    expect(shardOfHandle(receiptHandleOf({ shard: 2, seq: 9 }, 1), 4)).toBe(2);
    expect(shardOfMessageId(messageIdOf({ shard: 3, seq: 9 }), 4)).toBe(3);
    // A shard the queue does not have, and numbers no queue issued.
    expect(shardOfHandle(receiptHandleOf({ shard: 7, seq: 9 }, 1), 4)).toBe(0);
    expect(shardOfMessageId(12345n << 40n, 4)).toBe(0);
    expect(shardOfHandle(0n, 4)).toBe(0);
  });

  it("groups item indexes by shard, keeping item order", () => {
    expect([...groupByShard([1, 0, 1, 2, 0])]).toEqual([
      [1, [0, 2]],
      [0, [1, 4]],
      [2, [3]],
    ]);
  });
});

describe("folding shard answers", () => {
  const gone = { kind: "queueNotFound", queue: "q" } as const;

  it("puts each shard's results back in item order", () => {
    const folded = foldShardAnswers<Outcome<number>>(3, [
      {
        items: [0, 2],
        outcome: {
          ok: true,
          value: [
            { ok: true, value: 10 },
            { ok: true, value: 12 },
          ],
        },
      },
      {
        items: [1],
        outcome: { ok: true, value: [{ ok: false, error: { kind: "queueFull", limit: 5 } }] },
      },
    ]);
    expect(folded).toEqual({
      ok: true,
      value: [
        { ok: true, value: 10 },
        { ok: false, error: { kind: "queueFull", limit: 5 } },
        { ok: true, value: 12 },
      ],
    });
  });

  it("fails the items of a shard that failed whole, and the request when all did alike", () => {
    const partly = foldShardAnswers<Outcome<number>>(2, [
      { items: [0], outcome: { ok: true, value: [{ ok: true, value: 1 }] } },
      { items: [1], outcome: { ok: false, error: gone } },
    ]);
    expect(partly).toEqual({
      ok: true,
      value: [
        { ok: true, value: 1 },
        { ok: false, error: gone },
      ],
    });
    const all = foldShardAnswers<Outcome<number>>(2, [
      { items: [0], outcome: { ok: false, error: gone } },
      { items: [1], outcome: { ok: false, error: gone } },
    ]);
    expect(all).toEqual({ ok: false, error: gone });
  });
});

describe("merging shard views", () => {
  it("adds the counts, keeps shard 0's settings, and takes the oldest message time", () => {
    const merged = mergeViews([
      view({ activeMsgNum: 1, inactiveMsgNum: 2, minMsgTime: 0 }),
      view({ activeMsgNum: 10, delayMsgNum: 3, minMsgTime: 500, queueId: "other" }),
      view({ rewindMsgNum: 4, transactionMsgNum: 5, minMsgTime: 300 }),
    ]);
    expect(merged).toMatchObject({
      queueId: "queue-1",
      activeMsgNum: 11,
      inactiveMsgNum: 2,
      delayMsgNum: 3,
      rewindMsgNum: 4,
      transactionMsgNum: 5,
      minMsgTime: 300,
    });
  });
});
