/**
 * Enqueueing. Sends arrive as groups (one SendMessage / BatchSendMessage, or one TCP frame when the
 * bridge coalesces several frames into one object call); each group is stored or refused whole.
 * @module
 */
import { fail } from "../errors";
import { MAX_SEQ, messageIdOf } from "../ids";
import { DELAY_SECONDS } from "../limits";
import { checkBodies } from "../message-bodies";
import { placeholders, rowsPerStatement, type SqlPort } from "../sql";
import { classify, count, heapLimit, heldCount } from "./counters";
import type { QueueMeta } from "./meta";
import { type Origin, trace } from "./trace";
import { sendHalf } from "./transaction";

export interface SendGroup {
  bodies: string[];
  delaySeconds: number;
  /** Set for transaction (half) messages (TCP only, transaction.ts). */
  transaction?: { producer: string; queryIntervalSeconds: number };
  /** Who sent it, for the message trace (trace.ts). */
  origin?: Origin;
}

const INSERT_COLUMNS = 4;

function validateGroup(meta: QueueMeta, group: SendGroup): void {
  checkBodies(group.bodies, meta.attributes.maxMsgSize);
  if (group.delaySeconds < DELAY_SECONDS.min || group.delaySeconds > DELAY_SECONDS.max) {
    fail({ kind: "delayOutOfRange", max: DELAY_SECONDS.max });
  }
  const heap = heapLimit(meta);
  if (heldCount(meta.counters) + group.bodies.length > heap)
    fail({ kind: "queueFull", limit: heap });
  if (meta.nextSeq + group.bodies.length > MAX_SEQ) fail({ kind: "queueFull", limit: heap });
}

/**
 * Stores one group of messages. Mutates `meta` (next seq, counters).
 * In: bodies, delaySeconds, now. Out: message ids in request order. Fails: batchSizeOutOfRange,
 * delayOutOfRange, emptyMessageBody, messageTooLarge, batchTooLarge, queueFull (nothing written).
 */
export function sendGroup(sql: SqlPort, meta: QueueMeta, group: SendGroup, now: number): bigint[] {
  if (group.transaction) return sendHalf(sql, meta, { ...group, ...group.transaction }, now);
  validateGroup(meta, group);
  const visibleAt = now + group.delaySeconds * 1000;
  const ids: bigint[] = [];
  const seqs: number[] = [];
  const perStatement = rowsPerStatement(INSERT_COLUMNS);
  for (let start = 0; start < group.bodies.length; start += perStatement) {
    const chunk = group.bodies.slice(start, start + perStatement);
    const params: (string | number)[] = [];
    for (const body of chunk) {
      const seq = meta.nextSeq++;
      params.push(seq, body, now, visibleAt);
      count(
        meta.counters,
        classify(meta.watermark, { visible_at: visibleAt, seq, dequeue_count: 0 }),
        1,
      );
      ids.push(messageIdOf({ shard: meta.shard, seq }));
      seqs.push(seq);
    }
    sql.run(
      `INSERT INTO message (seq, body, enqueued_at, visible_at) VALUES ${placeholders(chunk.length, INSERT_COLUMNS)}`,
      ...params,
    );
  }
  trace(
    sql,
    meta,
    now,
    seqs.map((seq) => ({ seq, event: "sent", detail: { ...group.origin } })),
  );
  return ids;
}
