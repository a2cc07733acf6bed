/**
 * The pure part of sharded queues (src/objects/queue-client/): which shard an item goes to, how
 * per-shard answers fold back into request order, and how the shards' views add up to the queue's.
 * A queue with `shards` = 1 is one object and never comes here.
 * @module
 */
import type { CmqErrorData } from "../errors";
import { parseMessageId, parseReceiptHandle } from "../ids";
import type { Outcome } from "../outcome";
import type { QueueView } from "./queue-store";

/** An item's failure: the shape of every per-item result's failure. */
export type Failed = { ok: false; error: CmqErrorData };

const INTERNAL: Failed = { ok: false, error: { kind: "internal" } };

/** The shard holding a receipt handle's or message id's message; 0 for one no shard issued. */
export function shardOfHandle(handle: bigint, shards: number): number {
  const shard = parseReceiptHandle(handle)?.shard ?? 0;
  return shard < shards ? shard : 0;
}

export function shardOfMessageId(msgId: bigint, shards: number): number {
  const shard = parseMessageId(msgId)?.shard ?? 0;
  return shard < shards ? shard : 0;
}

/**
 * The shard that takes a hand-off (dead letter, redrive): fixed by its key, so a retried hand-off
 * meets the shard that remembers it (each shard keeps its own hand-off keys). FNV-1a of the key.
 */
export function shardOfHandOffKey(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Item indexes per shard, in item order within each shard. */
export function groupByShard(shardOfItem: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  shardOfItem.forEach((shard, i) => {
    const group = groups.get(shard);
    if (group) group.push(i);
    else groups.set(shard, [i]);
  });
  return groups;
}

/**
 * Folds per-shard answers back into one answer per item, in item order. A shard that failed as a
 * whole fails each of its items with its error; when every item failed the same way (the queue is
 * gone, say), the request fails with that error.
 */
export function foldShardAnswers<R>(
  count: number,
  answers: readonly { items: readonly number[]; outcome: Outcome<readonly R[]> }[],
): Outcome<(R | Failed)[]> {
  const results: (R | Failed)[] = Array.from({ length: count }, () => INTERNAL);
  const wholeFailures: CmqErrorData[] = [];
  for (const { items, outcome } of answers) {
    if (!outcome.ok) wholeFailures.push(outcome.error);
    items.forEach((item, i) => {
      results[item] = outcome.ok ? (outcome.value[i] ?? INTERNAL) : outcome;
    });
  }
  const [first] = wholeFailures;
  if (first && wholeFailures.length === answers.length && answers.length > 0) {
    const same = wholeFailures.every((e) => e.kind === first.kind);
    if (same) return { ok: false, error: first };
  }
  return { ok: true, value: results };
}

/** The queue's view from its shards' (shard 0 first): counts add up, settings are shard 0's. */
export function mergeViews(views: readonly QueueView[]): QueueView {
  const [primary, ...rest] = views;
  if (!primary) throw new Error("mergeViews: no views");
  const merged = { ...primary, attributes: { ...primary.attributes } };
  for (const view of rest) {
    merged.activeMsgNum += view.activeMsgNum;
    merged.inactiveMsgNum += view.inactiveMsgNum;
    merged.delayMsgNum += view.delayMsgNum;
    merged.rewindMsgNum += view.rewindMsgNum;
    merged.transactionMsgNum += view.transactionMsgNum;
    merged.redriveMoved += view.redriveMoved;
    // A sharded receive parks on every shard at once: count it once.
    merged.waitingReceiverNum = Math.max(merged.waitingReceiverNum, view.waitingReceiverNum);
    if (view.minMsgTime !== 0 && (merged.minMsgTime === 0 || view.minMsgTime < merged.minMsgTime))
      merged.minMsgTime = view.minMsgTime;
    merged.redrive ??= view.redrive;
  }
  return merged;
}
