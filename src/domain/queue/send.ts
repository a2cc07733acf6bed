/**
 * Enqueueing. Sends arrive as groups (one SendMessage / BatchSendMessage, or one TCP frame when the
 * bridge coalesces several frames into one object call); each group is stored or refused whole.
 * @module
 */
import { fail } from "../errors";
import { MAX_SEQ, messageIdOf } from "../ids";
import { DELAY_SECONDS } from "../limits";
import { checkBodies } from "../message-bodies";
import { attempt, type Outcome } from "../outcome";
import { placeholders, rowsPerStatement, type SqlPort } from "../sql";
import { classify, count, heapLimit, heldCount } from "./counters";
import type { QueueMeta } from "./meta";
import { type Origin, type TraceEvent, trace } from "./trace";
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
 * Stores each group whole or refuses it whole; one group's refusal leaves the others alone. The
 * rows of every accepted group go in shared multi-row INSERTs: a coalesced call of many one-message
 * groups costs a statement per 25 messages, not one per group. Mutates `meta` (next seq, counters).
 * In: groups (bodies, delaySeconds), now. Out: per group, its message ids in request order.
 * Fails per group: batchSizeOutOfRange, delayOutOfRange, emptyMessageBody, messageTooLarge,
 * batchTooLarge, queueFull.
 */
export function sendGroups(
  sql: SqlPort,
  meta: QueueMeta,
  groups: readonly SendGroup[],
  now: number,
): Outcome<bigint[]>[] {
  const rows: (string | number)[] = [];
  const sent: TraceEvent[] = [];
  const traced = meta.attributes.trace === 1;
  const outcomes = groups.map((group) =>
    attempt(() => {
      if (group.transaction) return sendHalf(sql, meta, { ...group, ...group.transaction }, now);
      validateGroup(meta, group);
      meta.totals.sent += group.bodies.length;
      const visibleAt = now + group.delaySeconds * 1000;
      return group.bodies.map((body) => {
        const seq = meta.nextSeq++;
        rows.push(seq, body, now, visibleAt);
        count(
          meta.counters,
          classify(meta.watermark, { visible_at: visibleAt, seq, dequeue_count: 0 }),
          1,
        );
        if (traced) sent.push({ seq, event: "sent", detail: { ...group.origin } });
        return messageIdOf({ shard: meta.shard, seq });
      });
    }),
  );
  const perStatement = rowsPerStatement(INSERT_COLUMNS) * INSERT_COLUMNS;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    sql.run(
      `INSERT INTO message (seq, body, enqueued_at, visible_at) VALUES ${placeholders(chunk.length / INSERT_COLUMNS, INSERT_COLUMNS)}`,
      ...chunk,
    );
  }
  trace(sql, meta, now, sent);
  return outcomes;
}
