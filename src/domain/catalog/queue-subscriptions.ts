/**
 * Which topic subscriptions push into which queue, kept by the catalog so "the subscriptions of
 * queue Q" (API 3.0's DescribeCmqSubscriptionDetail with QueryType=queue) is one indexed read and
 * never a visit to every topic. A subscription is recorded before the topic stores it and removed
 * after the topic dropped it, so the index may hold a row the topic no longer has (the reader
 * checks with the topic), never miss one the topic has.
 * @module
 */
import { nameKey } from "../object-names";
import type { SqlPort } from "../sql";

export interface QueueSubscription {
  topic: string;
  subscription: string;
}

/** Records that `topic`'s `subscription` pushes into `queue`; returns whether the row is new. */
export function addQueueSubscription(
  sql: SqlPort,
  queue: string,
  s: QueueSubscription,
  now: number,
): boolean {
  const inserted = sql.all(
    `INSERT INTO queue_subscription (queue_key, topic_key, topic, subscription_key, subscription,
       created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING queue_key`,
    nameKey(queue),
    nameKey(s.topic),
    s.topic,
    nameKey(s.subscription),
    s.subscription,
    now,
  );
  return inserted.length > 0;
}

/** Forgets the subscription wherever it pushed. */
export function removeQueueSubscription(sql: SqlPort, s: QueueSubscription): void {
  sql.run(
    "DELETE FROM queue_subscription WHERE topic_key = ? AND subscription_key = ?",
    nameKey(s.topic),
    nameKey(s.subscription),
  );
}

/** The subscriptions pushing into `queue` whose name contains `searchWord`, oldest first. */
export function queueSubscriptions(
  sql: SqlPort,
  queue: string,
  query: { searchWord?: string; offset: number; limit: number },
): { total: number; entries: QueueSubscription[] } {
  const word = nameKey(query.searchWord ?? "");
  const where = "queue_key = ? AND instr(subscription_key, ?) > 0";
  const total =
    sql.first<{ n: number }>(
      `SELECT COUNT(*) AS n FROM queue_subscription WHERE ${where}`,
      nameKey(queue),
      word,
    )?.n ?? 0;
  const entries = sql
    .all<{ topic: string; subscription: string }>(
      `SELECT topic, subscription FROM queue_subscription WHERE ${where}
       ORDER BY created_at, topic_key, subscription_key LIMIT ? OFFSET ?`,
      nameKey(queue),
      word,
      query.limit,
      query.offset,
    )
    .map((r) => ({ topic: r.topic, subscription: r.subscription }));
  return { total, entries };
}
