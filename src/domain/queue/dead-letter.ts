/**
 * Dead-letter queues. A message received maxReceiveCount times without being deleted, or older than
 * maxTimeToLive, is marked (visible_at = DEAD, out of every receive's range) and then handed to
 * the dead-letter queue by the object's alarm: the dead-letter queue stores it under a key made of
 * the source queue and seq, and only then does the source delete it. A retry after a lost answer
 * finds the key and adds nothing, so a message is never lost and never stored twice.
 * @module
 */
import { fail } from "../errors";
import { CHORE_CHUNK_ROWS, DEAD_LETTER_LIMITS, NAME_PATTERN } from "../limits";
import { boundChunks, inList, placeholders, rowsPerStatement, type SqlPort } from "../sql";
import { classify, count, heapLimit, heldCount } from "./counters";
import type { DeadLetterPolicy, QueueMeta } from "./meta";
import { type TraceEvent, trace } from "./trace";

/** visible_at of a message waiting to move to the dead-letter queue: after every real time. */
export const DEAD = 2 ** 52;

/**
 * Parses CMQ's deadLetterPolicy JSON text (cmq-api-http.md §4.1): its syntax and ranges. How it fits
 * the queue's retention is checked with the queue (checkPolicyWithinRetention).
 * Fails: deadLetterPolicyInvalid.
 */
export function parseDeadLetterPolicy(text: string): DeadLetterPolicy {
  const invalid = (reason: string) => fail({ kind: "deadLetterPolicyInvalid", reason });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid("deadLetterPolicy must be a json string");
  }
  if (typeof raw !== "object" || raw === null)
    return invalid("deadLetterPolicy must be a json object");
  const p = raw as Record<string, unknown>;
  const queue = p.deadLetterQueue;
  if (typeof queue !== "string" || !NAME_PATTERN.test(queue))
    return invalid("deadLetterQueue must be a queue name");
  if (p.policy !== 0 && p.policy !== 1)
    return invalid("policy must be 0 (receive count) or 1 (time to live)");
  const policy: DeadLetterPolicy = { deadLetterQueue: queue, policy: p.policy };
  const { maxReceiveCount: count, maxTimeToLive: ttl } = DEAD_LETTER_LIMITS;
  if (p.maxReceiveCount !== undefined || p.policy === 0) {
    const n = p.maxReceiveCount;
    if (typeof n !== "number" || !Number.isInteger(n) || n < count.min || n > count.max) {
      return invalid(`maxReceiveCount must be an integer within ${count.min}-${count.max}`);
    }
    policy.maxReceiveCount = n;
  }
  if (p.maxTimeToLive !== undefined || p.policy === 1) {
    const n = p.maxTimeToLive;
    if (typeof n !== "number" || !Number.isInteger(n) || n < ttl.min || n > ttl.max) {
      return invalid(`maxTimeToLive must be an integer within ${ttl.min}-${ttl.max} seconds`);
    }
    policy.maxTimeToLive = n;
  }
  return policy;
}

/** A message must be able to outlive its time to live before retention removes it. */
export function checkPolicyWithinRetention(
  policy: DeadLetterPolicy | null,
  retentionSeconds: number,
): void {
  if (policy?.maxTimeToLive !== undefined && policy.maxTimeToLive >= retentionSeconds) {
    fail({
      kind: "deadLetterPolicyInvalid",
      reason: "maxTimeToLive must be less than msgRetentionSeconds",
    });
  }
}

/** Messages enqueued before this moment have outlived the policy's time to live. */
export function timeToLiveCutoff(meta: QueueMeta, now: number): number | undefined {
  const ttl = meta.deadLetterPolicy?.maxTimeToLive;
  return ttl === undefined ? undefined : now - ttl * 1000;
}

/** Marks rows for the move (receive calls this for rows past maxReceiveCount). Mutates counters. */
export function markDead(
  sql: SqlPort,
  meta: QueueMeta,
  rows: readonly { seq: number; visible_at: number; dequeue_count: number }[],
): void {
  if (rows.length === 0) return;
  for (const row of rows) {
    count(meta.counters, classify(meta.watermark, row), -1);
    count(meta.counters, classify(meta.watermark, { ...row, visible_at: DEAD }), 1);
  }
  // markOutlived passes up to CHORE_CHUNK_ROWS (500) rows: too many for one statement.
  const seqs = rows.map((r) => r.seq);
  for (const chunk of boundChunks(seqs, 1, 1)) {
    sql.run(
      `UPDATE message SET visible_at = ? WHERE seq IN ${inList(chunk.length)}`,
      DEAD,
      ...chunk,
    );
  }
}

/**
 * Marks up to one chunk of rows that outlived maxTimeToLive (oldest first). Returns true when the
 * chunk was full, so more may remain.
 */
export function markOutlived(sql: SqlPort, meta: QueueMeta, now: number): boolean {
  const cutoff = timeToLiveCutoff(meta, now);
  if (cutoff === undefined) return false;
  const front = sql.all<{
    seq: number;
    enqueued_at: number;
    visible_at: number;
    dequeue_count: number;
  }>(
    "SELECT seq, enqueued_at, visible_at, dequeue_count FROM message WHERE visible_at != ? ORDER BY seq LIMIT ?",
    DEAD,
    CHORE_CHUNK_ROWS,
  );
  const end = front.findIndex((r) => r.enqueued_at >= cutoff);
  const outlived = end === -1 ? front : front.slice(0, end);
  markDead(sql, meta, outlived);
  return outlived.length === CHORE_CHUNK_ROWS;
}

export interface DeadLetter {
  seq: number;
  /** The hand-off key: unique per source queue incarnation and message. */
  key: string;
  body: string;
  /** Unix ms the message was first enqueued (in the source, or before if it was redriven there). */
  originalPubTime: number;
  originalDequeueCount: number;
}

/** The next marked rows to hand to the dead-letter queue. */
export function deadLettersToMove(sql: SqlPort, meta: QueueMeta, limit: number): DeadLetter[] {
  return sql
    .all<{ seq: number; body: string; enqueued_at: number; dequeue_count: number }>(
      "SELECT seq, body, enqueued_at, dequeue_count FROM message WHERE visible_at = ? ORDER BY seq LIMIT ?",
      DEAD,
      limit,
    )
    .map((r) => ({
      seq: r.seq,
      key: `dlq:${meta.queueId}:${r.seq}`,
      body: r.body,
      originalPubTime: r.enqueued_at,
      originalDequeueCount: r.dequeue_count,
    }));
}

/** Deletes rows the dead-letter queue has accepted. Mutates counters. */
export function removeMoved(
  sql: SqlPort,
  meta: QueueMeta,
  seqs: readonly number[],
  now: number,
): void {
  const queue = meta.deadLetterPolicy?.deadLetterQueue ?? "";
  trace(
    sql,
    meta,
    now,
    seqs.map((seq) => ({ seq, event: "deadLettered", detail: { queue } })),
  );
  for (const chunk of boundChunks(seqs, 1, 1)) {
    const gone = sql.all<{
      seq: number;
      visible_at: number;
      dequeue_count: number;
      dead_letter: number;
    }>(
      `DELETE FROM message WHERE visible_at = ? AND seq IN ${inList(chunk.length)}
       RETURNING seq, visible_at, dequeue_count, origin_queue IS NOT NULL AS dead_letter`,
      DEAD,
      ...chunk,
    );
    for (const row of gone) {
      count(meta.counters, classify(meta.watermark, row), -1);
      meta.deadLetterCount -= row.dead_letter;
    }
    meta.totals.deadLettered += gone.length;
  }
}

/** A message handed over by another queue (a dead-letter move, or a redrive back to its source). */
export interface HandOff {
  key: string;
  body: string;
  origin?: { queue: string; pubTime: number; dequeueCount: number };
}

const HAND_OFF_COLUMNS = 7;

/**
 * Stores handed-over messages as new messages, each key once; keys seen before are skipped.
 * In: items. Out: rows, keys remembered. Fails: queueFull for the whole batch (nothing written).
 */
export function acceptHandOff(
  sql: SqlPort,
  meta: QueueMeta,
  items: readonly HandOff[],
  now: number,
): void {
  const fresh = items.filter(
    (item) => sql.first("SELECT 1 AS known FROM hand_off WHERE key = ?", item.key) === undefined,
  );
  const heap = heapLimit(meta);
  if (heldCount(meta.counters) + fresh.length > heap) fail({ kind: "queueFull", limit: heap });
  const per = rowsPerStatement(HAND_OFF_COLUMNS);
  const sent: TraceEvent[] = [];
  for (let i = 0; i < fresh.length; i += per) {
    const chunk = fresh.slice(i, i + per);
    const params = chunk.flatMap((item) => {
      const seq = meta.nextSeq++;
      count(meta.counters, classify(meta.watermark, { visible_at: now, seq, dequeue_count: 0 }), 1);
      const o = item.origin;
      // Only a dead-letter move carries its origin; a redrive hands a message back as new.
      if (o) meta.deadLetterCount += 1;
      sent.push({ seq, event: "sent", detail: { via: "handOff", client: o?.queue ?? item.key } });
      return [
        seq,
        item.body,
        now,
        now,
        o?.queue ?? null,
        o?.pubTime ?? null,
        o?.dequeueCount ?? null,
      ];
    });
    sql.run(
      `INSERT INTO message (seq, body, enqueued_at, visible_at, origin_queue, origin_pub_time,
         origin_dequeue_count) VALUES ${placeholders(chunk.length, HAND_OFF_COLUMNS)}`,
      ...params,
    );
    sql.run(
      `INSERT INTO hand_off (key, at) VALUES ${placeholders(chunk.length, 2)}`,
      ...chunk.flatMap((item) => [item.key, now]),
    );
  }
  trace(sql, meta, now, sent);
}

/** Forgets hand-off keys older than a day, a chunk at a time; true when more may remain. */
export function forgetHandOffs(sql: SqlPort, now: number): boolean {
  const gone = sql.all(
    `DELETE FROM hand_off WHERE key IN
       (SELECT key FROM hand_off WHERE at < ? ORDER BY at LIMIT ?) RETURNING key`,
    now - DEAD_LETTER_LIMITS.handOffMemoryMs,
    CHORE_CHUNK_ROWS,
  );
  return gone.length === CHORE_CHUNK_ROWS;
}

/** When dead-letter work falls due: marked rows to move now, the next row to outlive its TTL,
 * the next redrive step, or the oldest hand-off key to forget. */
export function nextDeadLetterWork(sql: SqlPort, meta: QueueMeta, now: number): number | null {
  const times: number[] = [];
  if (sql.first("SELECT 1 AS dead FROM message WHERE visible_at = ? LIMIT 1", DEAD))
    times.push(now);
  const ttl = meta.deadLetterPolicy?.maxTimeToLive;
  if (ttl !== undefined) {
    const oldest = sql.first<{ enqueued_at: number }>(
      "SELECT enqueued_at FROM message WHERE visible_at != ? ORDER BY seq LIMIT 1",
      DEAD,
    );
    if (oldest) times.push(oldest.enqueued_at + ttl * 1000);
  }
  if (meta.redrive) times.push(meta.redrive.at + Math.ceil(1000 / meta.redrive.rate));
  const key = sql.first<{ at: number | null }>("SELECT MIN(at) AS at FROM hand_off")?.at;
  if (key != null) times.push(key + DEAD_LETTER_LIMITS.handOffMemoryMs);
  return times.length > 0 ? Math.min(...times) : null;
}
