/**
 * Transaction messages (CMQ's half messages, cmq-api-tcp.md "Transactions as the SDK does them").
 * A half message is stored but not deliverable. The producer commits it (it becomes a normal
 * message, its delay counted from then) or rolls it back (gone). Until it says which, the service
 * asks it back every query interval, up to TRANSACTION_LIMITS.maxQueries times, and rolls back
 * what is still unresolved after that. Every transition is a statement on the half_message table.
 * @module
 */
import { type CmqErrorData, fail } from "../errors";
import { messageIdOf, parseMessageId } from "../ids";
import { CHORE_CHUNK_ROWS, TRANSACTION_LIMITS } from "../limits";
import { checkBodies } from "../message-bodies";
import type { SqlPort } from "../sql";
import { classify, count, heapLimit, heldCount } from "./counters";
import type { QueueMeta } from "./meta";
import { type Origin, trace } from "./trace";

export const TRANSACTION_STATE = { commit: 1, rollback: 2 } as const;

export interface HalfGroup {
  bodies: string[];
  delaySeconds: number;
  origin?: Origin;
  /** Who to ask back: the bridge and the producer's client id. */
  producer: string;
  queryIntervalSeconds: number;
}

export type ConfirmResult = { ok: true } | { ok: false; error: CmqErrorData };

/**
 * Stores half messages. Mutates `meta` (seq, counters).
 * In: bodies, delay, producer, query interval, now. Out: message ids; rows due for a first query
 * at now + interval. Fails: body size errors, queueFull (nothing written).
 */
export function sendHalf(sql: SqlPort, meta: QueueMeta, group: HalfGroup, now: number): bigint[] {
  checkBodies(group.bodies, meta.attributes.maxMsgSize);
  const heap = heapLimit(meta);
  if (heldCount(meta.counters) + group.bodies.length > heap)
    fail({ kind: "queueFull", limit: heap });
  const interval = group.queryIntervalSeconds * 1000;
  const deadline = now + interval * (TRANSACTION_LIMITS.maxQueries + 1);
  return group.bodies.map((body) => {
    const seq = meta.nextSeq++;
    trace(sql, meta, now, [{ seq, event: "sent", detail: { ...group.origin, transaction: 1 } }]);
    sql.run(
      `INSERT INTO half_message (seq, body, enqueued_at, delay_seconds, producer, query_interval,
         next_query_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      seq,
      body,
      now,
      group.delaySeconds,
      group.producer,
      interval,
      now + interval,
      deadline,
    );
    meta.counters.half += 1;
    return messageIdOf({ shard: meta.shard, seq });
  });
}

/** Makes a half message a normal message: visible after its delay, counted from the commit. */
function commit(sql: SqlPort, meta: QueueMeta, seq: number, now: number): boolean {
  const row = sql.first<{ body: string; delay_seconds: number }>(
    "DELETE FROM half_message WHERE seq = ? RETURNING body, delay_seconds",
    seq,
  );
  if (!row) return false;
  const visibleAt = now + row.delay_seconds * 1000;
  sql.run(
    // Committed after any purge so far: a running one must not remove it (purge.ts).
    "INSERT INTO message (seq, body, enqueued_at, visible_at, purge_gen) VALUES (?, ?, ?, ?, ?)",
    seq,
    row.body,
    now,
    visibleAt,
    meta.purgeGen,
  );
  meta.counters.half -= 1;
  meta.totals.sent += 1;
  count(
    meta.counters,
    classify(meta.watermark, { visible_at: visibleAt, seq, dequeue_count: 0 }),
    1,
  );
  return true;
}

function rollback(sql: SqlPort, meta: QueueMeta, seq: number): boolean {
  const gone = sql.all("DELETE FROM half_message WHERE seq = ? RETURNING seq", seq);
  meta.counters.half -= gone.length;
  return gone.length > 0;
}

/**
 * Applies the producer's decisions. Mutates `meta`.
 * In: (message id, state) items. Out: one result per item. A message that is no (longer a) half
 * message of this queue, or a state other than commit or rollback, fails its item only.
 */
export function confirm(
  sql: SqlPort,
  meta: QueueMeta,
  items: readonly { msgId: bigint; state: number }[],
  now: number,
): ConfirmResult[] {
  return items.map(({ msgId, state }) => {
    const ref = parseMessageId(msgId);
    const unknown: ConfirmResult = {
      ok: false,
      error: { kind: "transactionUnknown", msgId: msgId.toString() },
    };
    if (state !== TRANSACTION_STATE.commit && state !== TRANSACTION_STATE.rollback) {
      return { ok: false, error: { kind: "transactionStateInvalid", state } };
    }
    if (!ref || ref.shard !== meta.shard) return unknown;
    const committing = state === TRANSACTION_STATE.commit;
    const done = committing ? commit(sql, meta, ref.seq, now) : rollback(sql, meta, ref.seq);
    if (!done) return unknown;
    trace(sql, meta, now, [{ seq: ref.seq, event: committing ? "committed" : "rolledBack" }]);
    return { ok: true };
  });
}

/**
 * The producer's half messages due for a check-back at `now`, each now counted as asked and due
 * again one interval later. Those asked maxQueries times are left for expireHalves.
 */
export function dueQueries(
  sql: SqlPort,
  meta: QueueMeta,
  producer: string,
  now: number,
  limit: number,
): bigint[] {
  const rows = sql.all<{ seq: number }>(
    `UPDATE half_message SET queries = queries + 1, next_query_at = ?1 + query_interval
     WHERE seq IN (SELECT seq FROM half_message
       WHERE producer = ?2 AND next_query_at <= ?1 AND queries < ?3 ORDER BY next_query_at LIMIT ?4)
     RETURNING seq`,
    now,
    producer,
    TRANSACTION_LIMITS.maxQueries,
    limit,
  );
  return rows.map((r) => messageIdOf({ shard: meta.shard, seq: r.seq }));
}

/** Half messages of `producer` still waiting for a decision. */
export function pendingHalves(sql: SqlPort, producer: string): number {
  return (
    sql.first<{ n: number }>("SELECT COUNT(*) AS n FROM half_message WHERE producer = ?", producer)
      ?.n ?? 0
  );
}

/** Rolls back half messages past their deadline, a chunk at a time; true when more may remain. */
export function expireHalves(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const gone = sql.all(
    `DELETE FROM half_message WHERE seq IN
       (SELECT seq FROM half_message WHERE deadline <= ? ORDER BY deadline LIMIT ?) RETURNING seq`,
    now,
    CHORE_CHUNK_ROWS,
  );
  meta.counters.half -= gone.length;
  return gone.length === CHORE_CHUNK_ROWS;
}

/** When the next half message reaches its deadline, or null. */
export function nextHalfDeadline(sql: SqlPort): number | null {
  return (
    sql.first<{ at: number | null }>("SELECT MIN(deadline) AS at FROM half_message")?.at ?? null
  );
}
