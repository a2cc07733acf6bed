/**
 * Acknowledging messages by receipt handle. Only the handle of the latest delivery deletes, and only
 * before the message becomes visible again (cmq-api-http.md §4.11); with rewindSeconds > 0 the
 * message moves to the rewindable table instead of disappearing.
 * @module
 */
import { deliveryTag, parseReceiptHandle, type ReceiptRef } from "../ids";
import type { Outcome } from "../outcome";
import { boundChunks, inList, placeholders, type SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";
import { trace } from "./trace";

export type DeleteItemResult = Outcome<void>;

interface HeldRow {
  [column: string]: number;
  seq: number;
  visible_at: number;
  dequeue_count: number;
  /** 1 for a message a source queue dead-lettered here. */
  dead_letter: number;
}

/**
 * Deletes the messages the handles point at. Mutates `meta` (counters).
 * In: handles (≤ MAX_COALESCED_DELETE), now. Out: one result per handle, in order. Fails: never
 * as a whole; a stale,
 * foreign or malformed handle gets receiptHandleInvalid in its slot.
 */
export function deleteByHandles(
  sql: SqlPort,
  meta: QueueMeta,
  handles: readonly bigint[],
  now: number,
): DeleteItemResult[] {
  const refs = handles.map((h) => {
    const ref = parseReceiptHandle(h);
    return ref && ref.shard === meta.shard ? ref : undefined;
  });
  // Without rewind, one statement deletes what the handles still hold and says what it was.
  if (meta.attributes.rewindSeconds === 0) return deleteHeld(sql, meta, refs, now);
  const seqs = [...new Set(refs.flatMap((r) => (r ? [r.seq] : [])))];
  const rows = new Map<number, HeldRow>();
  for (const chunk of boundChunks(seqs)) {
    for (const row of sql.all<HeldRow>(
      `SELECT seq, visible_at, dequeue_count, origin_queue IS NOT NULL AS dead_letter FROM message
       WHERE seq IN ${inList(chunk.length)}`,
      ...chunk,
    )) {
      rows.set(row.seq, row);
    }
  }
  const deleted: number[] = [];
  const results = refs.map((ref): DeleteItemResult => {
    const row = ref && rows.get(ref.seq);
    if (!ref || !row || !isCurrentHandle(ref, row, now)) {
      return { ok: false, error: { kind: "receiptHandleInvalid" } };
    }
    rows.delete(ref.seq);
    deleted.push(ref.seq);
    count(meta.counters, classify(meta.watermark, row), -1);
    meta.deadLetterCount -= row.dead_letter;
    return { ok: true, value: undefined };
  });
  meta.totals.deleted += deleted.length;
  if (deleted.length > 0) removeMessages(sql, meta, deleted, now);
  trace(
    sql,
    meta,
    now,
    deleted.map((seq) => ({ seq, event: "deleted" })),
  );
  return results;
}

const INVALID: DeleteItemResult = { ok: false, error: { kind: "receiptHandleInvalid" } };

/**
 * Deletes, in one statement per chunk, the rows the handles hold now: a row goes only where its
 * seq, its delivery tag and "still in flight" all match a handle. Mutates `meta` (counters).
 * In: parsed handles (undefined: malformed or another shard's), now. Out: one result per handle.
 */
function deleteHeld(
  sql: SqlPort,
  meta: QueueMeta,
  refs: readonly (ReceiptRef | undefined)[],
  now: number,
): DeleteItemResult[] {
  const pairs = new Map<string, [number, number]>();
  for (const ref of refs) if (ref) pairs.set(`${ref.seq}:${ref.tag}`, [ref.seq, ref.tag]);
  const gone = new Map<number, HeldRow>();
  for (const chunk of boundChunks([...pairs.values()], 2, 1)) {
    const rows = sql.all<HeldRow>(
      `DELETE FROM message WHERE visible_at > ? AND dequeue_count > 0
         AND (seq, dequeue_count & 65535) IN (VALUES ${placeholders(chunk.length, 2)})
       RETURNING seq, visible_at, dequeue_count, origin_queue IS NOT NULL AS dead_letter`,
      now,
      ...chunk.flat(),
    );
    for (const row of rows) gone.set(row.seq, row);
  }
  const results = refs.map((ref): DeleteItemResult => {
    const row = ref && gone.get(ref.seq);
    if (!ref || !row || deliveryTag(row.dequeue_count) !== ref.tag) return INVALID;
    // A handle given twice deletes once.
    gone.delete(row.seq);
    count(meta.counters, classify(meta.watermark, row), -1);
    meta.deadLetterCount -= row.dead_letter;
    return { ok: true, value: undefined };
  });
  const deleted = results.filter((r) => r.ok).length;
  meta.totals.deleted += deleted;
  if (meta.attributes.trace === 1) {
    const seqs = refs.filter((ref, i) => ref && results[i]?.ok).map((ref) => ref?.seq ?? 0);
    trace(
      sql,
      meta,
      now,
      seqs.map((seq) => ({ seq, event: "deleted" as const })),
    );
  }
  return results;
}

function isCurrentHandle(ref: ReceiptRef, row: HeldRow, now: number): boolean {
  return (
    row.dequeue_count > 0 && deliveryTag(row.dequeue_count) === ref.tag && row.visible_at > now
  );
}

/** Moves rows to the rewindable table when the queue keeps deleted messages, else drops them. */
function removeMessages(sql: SqlPort, meta: QueueMeta, seqs: number[], now: number): void {
  for (const chunk of boundChunks(seqs, 1, 1)) {
    const list = inList(chunk.length);
    if (meta.attributes.rewindSeconds > 0) {
      sql.run(
        `INSERT INTO rewindable (seq, body, enqueued_at, first_dequeued_at, dequeue_count,
           deleted_at, origin_queue, origin_pub_time, origin_dequeue_count)
         SELECT seq, body, enqueued_at, first_dequeued_at, dequeue_count, ?,
           origin_queue, origin_pub_time, origin_dequeue_count FROM message WHERE seq IN ${list}`,
        now,
        ...chunk,
      );
      meta.counters.rewindable += chunk.length;
    }
    sql.run(`DELETE FROM message WHERE seq IN ${list}`, ...chunk);
  }
}
