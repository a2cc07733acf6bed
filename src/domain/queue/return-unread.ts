/**
 * Giving back messages taken for a receiver that can no longer be answered (its client went away
 * before the reply left): each becomes visible at once and the receive is not counted, so a
 * vanished receiver neither hides a message for its visibility timeout nor pushes it toward the
 * dead-letter queue.
 * @module
 */
import { deliveryTag, parseReceiptHandle } from "../ids";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import type { QueueMeta } from "./meta";
import { trace } from "./trace";

interface HeldRow {
  [column: string]: number;
  seq: number;
  visible_at: number;
  dequeue_count: number;
}

/**
 * Undoes the deliveries the handles name, where each is still the message's latest one and still
 * in flight. Mutates `meta` (counters); expects counters settled to `now`.
 * In: handles (≤ MAX_COALESCED_RECEIVE), now. Out: how many went back. Fails: never; a stale,
 * foreign or malformed handle is skipped (its message was deleted, or received again since).
 */
export function returnUnread(
  sql: SqlPort,
  meta: QueueMeta,
  handles: readonly bigint[],
  now: number,
): number {
  const tags = new Map<number, number>();
  for (const handle of handles) {
    const ref = parseReceiptHandle(handle);
    if (ref && ref.shard === meta.shard) tags.set(ref.seq, ref.tag);
  }
  if (tags.size === 0) return 0;
  const seqs = [...tags.keys()];
  const held = sql
    .all<HeldRow>(
      `SELECT seq, visible_at, dequeue_count FROM message
       WHERE seq IN (${seqs.map(() => "?").join(", ")})`,
      ...seqs,
    )
    .filter(
      (row) =>
        row.dequeue_count > 0 &&
        row.visible_at > now &&
        deliveryTag(row.dequeue_count) === tags.get(row.seq),
    );
  if (held.length === 0) return 0;
  sql.run(
    `UPDATE message SET visible_at = ?1, dequeue_count = dequeue_count - 1,
       first_dequeued_at = CASE WHEN dequeue_count = 1 THEN 0 ELSE first_dequeued_at END
     WHERE seq IN (${held.map((_, i) => `?${i + 2}`).join(", ")})`,
    now,
    ...held.map((row) => row.seq),
  );
  for (const row of held) {
    count(meta.counters, classify(meta.watermark, row), -1);
    const back = { seq: row.seq, visible_at: now, dequeue_count: row.dequeue_count - 1 };
    count(meta.counters, classify(meta.watermark, back), 1);
  }
  trace(
    sql,
    meta,
    now,
    held.map((row) => ({ seq: row.seq, event: "returnedUnread" as const })),
  );
  return held.length;
}
