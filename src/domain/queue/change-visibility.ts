/**
 * EdgeChangeMessageVisibility (cmq-edge's own, as SQS and MNS have it): a consumer holding a
 * message moves its nextVisibleTime — later, to keep a message a slow job still needs, or to now
 * (0 s), to hand back one it failed on without waiting out the timeout.
 *
 * The receive stays counted (contrast return-unread.ts, which undoes a delivery no one saw): the
 * consumer did get the message, so maxReceiveCount and dequeueCount see it. The receipt handle stays
 * the same (SQS keeps it too): it deletes, and changes visibility again, until the new
 * nextVisibleTime; with 0 s that is at once, and the next receive issues a new one.
 * @module
 */
import { fail } from "../errors";
import { deliveryTag, parseReceiptHandle } from "../ids";
import type { SqlPort } from "../sql";
import { classify, count } from "./counters";
import { DEAD } from "./dead-letter";
import type { QueueMeta } from "./meta";
import { trace } from "./trace";

interface HeldRow {
  [column: string]: number;
  seq: number;
  visible_at: number;
  dequeue_count: number;
}

/**
 * Sets the visibility of the message `handle` holds to `now + seconds`. Mutates `meta` (counters);
 * expects counters settled to `now`.
 * In: handle, seconds (0–43200, checked by the transport), now. Out: the new nextVisibleTime (Unix
 * ms). Fails: receiptHandleInvalid (foreign, malformed, deleted, received again since, or being
 * moved to the dead-letter queue); messageNotInFlight (the handle's delivery is over: its timeout
 * ran out, or it was released).
 */
export function changeVisibility(
  sql: SqlPort,
  meta: QueueMeta,
  handle: bigint,
  seconds: number,
  now: number,
): number {
  const ref = parseReceiptHandle(handle);
  const row =
    ref && ref.shard === meta.shard
      ? sql.first<HeldRow>(
          "SELECT seq, visible_at, dequeue_count FROM message WHERE seq = ?",
          ref.seq,
        )
      : undefined;
  const current = ref && row && row.dequeue_count > 0 && deliveryTag(row.dequeue_count) === ref.tag;
  if (!row || !current || row.visible_at >= DEAD) fail({ kind: "receiptHandleInvalid" });
  if (row.visible_at <= now) fail({ kind: "messageNotInFlight" });
  const nextVisible = now + seconds * 1000;
  sql.run("UPDATE message SET visible_at = ? WHERE seq = ?", nextVisible, row.seq);
  count(meta.counters, classify(meta.watermark, row), -1);
  count(meta.counters, classify(meta.watermark, { ...row, visible_at: nextVisible }), 1);
  trace(sql, meta, now, [
    {
      seq: row.seq,
      event: "visibilityChanged",
      detail: { receiptHandle: handle.toString(), visibilityTimeout: seconds },
    },
  ]);
  return nextVisible;
}
