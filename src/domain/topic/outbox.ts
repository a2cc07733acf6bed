/**
 * The outbox after publishing: what each subscription has due, and what becomes of a row once a
 * delivery succeeded (removed), failed (retried by the subscription's strategy) or ran out of
 * retries or lifetime (dropped, counted). A message row goes when its last outbox row does.
 * @module
 */

import { messageIdOf } from "../ids";
import { CHORE_CHUNK_ROWS } from "../limits";
import { boundChunks, inList, type SqlPort } from "../sql";
import { retryDelayMs } from "./retry-schedule";
import type { Subscription } from "./subscriptions";
import type { TopicMeta } from "./topic-meta";

export interface DueEntry {
  seq: number;
  msgId: bigint;
  retries: number;
  body: string;
  tags: string[];
  publishedAt: number;
}

/** How long the topic keeps a published message for delivery. */
function lifetimeMs(meta: TopicMeta): number {
  return meta.msgRetentionSeconds * 1000;
}

/** Whether the subscription has a row due at `now`. */
export function hasDue(sql: SqlPort, subscription: number, now: number): boolean {
  return (
    sql.first(
      "SELECT 1 AS due FROM outbox WHERE subscription = ? AND due_at <= ? LIMIT 1",
      subscription,
      now,
    ) !== undefined
  );
}

/** The subscription's due rows in (due_at, seq) order: publish order unless a retry intervenes. */
export function dueEntries(
  sql: SqlPort,
  meta: TopicMeta,
  subscription: number,
  now: number,
  limit: number,
): DueEntry[] {
  return sql
    .all<{ seq: number; retries: number; body: string; tags: string; published_at: number }>(
      `SELECT o.seq, o.retries, m.body, m.tags, m.published_at
       FROM outbox o JOIN topic_message m ON m.seq = o.seq
       WHERE o.subscription = ? AND o.due_at <= ? ORDER BY o.due_at, o.seq LIMIT ?`,
      subscription,
      now,
      limit,
    )
    .map((r) => ({
      seq: r.seq,
      msgId: messageIdOf({ shard: meta.shard, seq: r.seq }),
      retries: r.retries,
      body: r.body,
      tags: JSON.parse(r.tags),
      publishedAt: r.published_at,
    }));
}

/** Takes one outbox row off each message; deletes messages no subscription still needs. */
function release(sql: SqlPort, meta: TopicMeta, seqs: readonly number[]): void {
  for (const chunk of boundChunks(seqs)) {
    sql.run(
      `UPDATE topic_message SET pending = pending - 1 WHERE seq IN ${inList(chunk.length)}`,
      ...chunk,
    );
    const gone = sql.all(
      `DELETE FROM topic_message WHERE pending <= 0 AND seq IN ${inList(chunk.length)} RETURNING seq`,
      ...chunk,
    );
    meta.msgCount -= gone.length;
  }
}

/** A failed delivery as the subscription reports it: the cause and when (Unix ms). */
export interface DeliveryFailure {
  error: string;
  at: number;
}

/**
 * Removes the subscription's outbox rows for `seqs` as delivered or dropped. A delivery clears the
 * subscription's last error: it describes the endpoint as it is now, not as it once was.
 * In: subscription id, seqs. Out: counters and last error updated, finished messages deleted.
 */
export function settleRows(
  sql: SqlPort,
  meta: TopicMeta,
  subscription: number,
  seqs: readonly number[],
  outcome: "delivered" | "dropped",
  failure?: DeliveryFailure,
): void {
  const removed: number[] = [];
  for (const chunk of boundChunks(seqs, 1, 1)) {
    for (const row of sql.all<{ seq: number }>(
      `DELETE FROM outbox WHERE subscription = ? AND seq IN ${inList(chunk.length)} RETURNING seq`,
      subscription,
      ...chunk,
    )) {
      removed.push(row.seq);
    }
  }
  if (removed.length === 0) return;
  const counter = outcome === "delivered" ? "delivered_count" : "dropped_count";
  sql.run(
    `UPDATE subscription SET ${counter} = ${counter} + ?, pending_count = pending_count - ?
     WHERE id = ?`,
    removed.length,
    removed.length,
    subscription,
  );
  if (outcome === "delivered") setLastError(sql, subscription, null);
  else if (failure) setLastError(sql, subscription, failure);
  release(sql, meta, removed);
}

/**
 * Records a failed delivery: the row is due again after the strategy's next interval, or dropped
 * when the retries are over, the failure is permanent, or the message would outlive the topic's
 * one-day lifetime.
 */
export function recordFailure(
  sql: SqlPort,
  meta: TopicMeta,
  subscription: Subscription,
  entry: DueEntry,
  error: string,
  permanent: boolean,
  now: number,
): void {
  const delay = permanent ? null : retryDelayMs(subscription.notifyStrategy, entry.retries + 1);
  const failure = { error, at: now };
  sql.run("UPDATE subscription SET failed_count = failed_count + 1 WHERE id = ?", subscription.id);
  if (delay === null || now + delay > entry.publishedAt + lifetimeMs(meta)) {
    settleRows(sql, meta, subscription.id, [entry.seq], "dropped", failure);
    return;
  }
  sql.run(
    "UPDATE outbox SET retries = retries + 1, due_at = ? WHERE subscription = ? AND seq = ?",
    now + delay,
    subscription.id,
    entry.seq,
  );
  setLastError(sql, subscription.id, failure);
}

function setLastError(sql: SqlPort, subscription: number, failure: DeliveryFailure | null): void {
  sql.run(
    "UPDATE subscription SET last_error = ?, last_error_at = ? WHERE id = ?",
    failure?.error ?? null,
    failure?.at ?? null,
    subscription,
  );
}

/**
 * Drops the rows of messages older than the topic's lifetime, one chunk of messages per run.
 * Returns true when more may remain.
 */
export function expireOld(
  sql: SqlPort,
  meta: TopicMeta,
  subscriptions: readonly Subscription[],
  now: number,
): boolean {
  const front = sql.all<{ seq: number; published_at: number }>(
    "SELECT seq, published_at FROM topic_message ORDER BY seq LIMIT ?",
    CHORE_CHUNK_ROWS,
  );
  const end = front.findIndex((m) => m.published_at >= now - lifetimeMs(meta));
  const expired = end === -1 ? front : front.slice(0, end);
  const first = expired[0];
  const last = expired.at(-1);
  if (!first || !last) return false;
  for (const s of subscriptions) {
    const seqs = sql
      .all<{ seq: number }>(
        "SELECT seq FROM outbox WHERE subscription = ? AND seq BETWEEN ? AND ?",
        s.id,
        first.seq,
        last.seq,
      )
      .map((r) => r.seq);
    settleRows(sql, meta, s.id, seqs, "dropped", {
      error: "message lifetime (one day) ended before delivery",
      at: now,
    });
  }
  // Rows of unsubscribed subscriptions go with their messages.
  sql.run("DELETE FROM outbox WHERE seq BETWEEN ? AND ?", first.seq, last.seq);
  const gone = sql.all(
    "DELETE FROM topic_message WHERE seq BETWEEN ? AND ? RETURNING seq",
    first.seq,
    last.seq,
  );
  meta.msgCount -= gone.length;
  return expired.length === CHORE_CHUNK_ROWS;
}

/** Removes one chunk of an unsubscribed subscription's outbox rows; true when more remain. */
export function purgeUnsubscribed(sql: SqlPort, meta: TopicMeta): boolean {
  const doomed = sql.first<{ id: number }>(
    "SELECT id FROM purged_subscription ORDER BY id LIMIT 1",
  );
  if (!doomed) return false;
  const rows = sql.all<{ seq: number }>(
    `DELETE FROM outbox WHERE subscription = ?1 AND seq IN
       (SELECT seq FROM outbox WHERE subscription = ?1 ORDER BY seq LIMIT ?2) RETURNING seq`,
    doomed.id,
    CHORE_CHUNK_ROWS,
  );
  release(
    sql,
    meta,
    rows.map((r) => r.seq),
  );
  if (rows.length < CHORE_CHUNK_ROWS)
    sql.run("DELETE FROM purged_subscription WHERE id = ?", doomed.id);
  return true;
}

/** When the next outbox row falls due or the oldest message expires, or null when none waits. */
export function nextOutboxTime(sql: SqlPort, meta: TopicMeta): number | null {
  const due = sql.first<{ at: number | null }>("SELECT MIN(due_at) AS at FROM outbox")?.at ?? null;
  const oldest = sql.first<{ at: number }>(
    "SELECT published_at AS at FROM topic_message ORDER BY seq LIMIT 1",
  )?.at;
  const expiry = oldest === undefined ? null : oldest + lifetimeMs(meta);
  if (due === null) return expiry;
  return expiry === null ? due : Math.min(due, expiry);
}
