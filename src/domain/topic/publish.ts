/**
 * Publishing: a group of messages (one PublishMessage / BatchPublishMessage, or one TCP frame) is
 * routed to the matching subscriptions and stored with one outbox row per (subscription, message),
 * all in the caller's transaction, so an acknowledged publish is never lost.
 * @module
 */
import { fail } from "../errors";
import { messageIdOf } from "../ids";
import { checkBodies } from "../message-bodies";
import { boundChunks, inList, placeholders, type SqlPort } from "../sql";
import { subscriptionMatches } from "./filter";
import { checkKey } from "./routing-key";
import { checkMessageTags } from "./subscription-rules";
import type { Subscription } from "./subscriptions";
import type { TopicMeta } from "./topic-meta";

export interface PublishGroup {
  bodies: string[];
  tags: string[];
  /** Absent or empty means none (PY, CPP and GOTC always send `routingKey=`). */
  routingKey?: string;
  /**
   * API 3.0's MsgTag, which is either: the tags on a topic that filters by tag, or its one
   * routing key on a topic that routes (filterType 2). Replaces `tags` and `routingKey`.
   */
  msgTag?: string[];
}

/** Reads `msgTag` by the topic's filter type. Fails: invalidRoutingKey (more than one key). */
function resolveMsgTag(meta: TopicMeta, group: PublishGroup): PublishGroup {
  const labels = group.msgTag;
  if (labels === undefined) return group;
  if (meta.filterType !== 2) return { bodies: group.bodies, tags: labels };
  if (labels.length > 1) {
    fail({
      kind: "invalidRoutingKey",
      what: "routingKey",
      value: labels.join(","),
      reason: "a topic that routes by key takes one MsgTag, its routing key",
    });
  }
  return { bodies: group.bodies, tags: [], routingKey: labels[0] };
}

const OUTBOX_COLUMNS = 3;
const MESSAGE_COLUMNS = 6;

/** The subscriptions a group goes to. Fails: routingKeyRequired, noSubscription, noMatchingSubscription. */
function targets(
  meta: TopicMeta,
  subscriptions: readonly Subscription[],
  group: PublishGroup,
): Subscription[] {
  if (meta.filterType === 2 && group.routingKey === undefined) fail({ kind: "routingKeyRequired" });
  if (subscriptions.length === 0) fail({ kind: "noSubscription", topic: meta.name });
  const matching = subscriptions.filter((s) => subscriptionMatches(meta.filterType, s, group));
  if (matching.length === 0) fail({ kind: "noMatchingSubscription" });
  return matching;
}

function insertChunked(
  sql: SqlPort,
  head: string,
  columns: number,
  rows: (string | number | null)[][],
): void {
  for (const chunk of boundChunks(rows, columns)) {
    sql.run(`${head} VALUES ${placeholders(chunk.length, columns)}`, ...chunk.flat());
  }
}

/**
 * Stores one group. Mutates `meta` (next seq, message count).
 * In: bodies, tags, routingKey, now. Out: message ids in request order; outbox rows due now.
 * Fails (nothing written): body size errors, tooManyMsgTags, invalidRoutingKey, routingKeyRequired,
 * noSubscription, noMatchingSubscription.
 */
export function publishGroup(
  sql: SqlPort,
  meta: TopicMeta,
  subscriptions: readonly Subscription[],
  request: PublishGroup,
  now: number,
): bigint[] {
  const group = resolveMsgTag(meta, request);
  checkBodies(group.bodies, meta.maxMsgSize);
  checkMessageTags(group.tags);
  if (group.routingKey !== undefined) checkKey("routingKey", group.routingKey);
  const to = targets(meta, subscriptions, group);
  const seqs = group.bodies.map(() => meta.nextSeq++);
  const tags = JSON.stringify(group.tags);
  insertChunked(
    sql,
    "INSERT INTO topic_message (seq, body, tags, routing_key, published_at, pending)",
    MESSAGE_COLUMNS,
    seqs.map((seq, i) => [
      seq,
      group.bodies[i] as string,
      tags,
      group.routingKey ?? null,
      now,
      to.length,
    ]),
  );
  insertChunked(
    sql,
    "INSERT INTO outbox (subscription, seq, due_at)",
    OUTBOX_COLUMNS,
    to.flatMap((s) => seqs.map((seq) => [s.id, seq, now])),
  );
  // Up to 100 ids (SUBSCRIPTION_LIMITS.perTopic) plus the two counts overflow one statement.
  const ids = to.map((s) => s.id);
  for (const chunk of boundChunks(ids, 1, 2)) {
    sql.run(
      `UPDATE subscription SET routed_count = routed_count + ?, pending_count = pending_count + ?
       WHERE id IN ${inList(chunk.length)}`,
      seqs.length,
      seqs.length,
      ...chunk,
    );
  }
  meta.msgCount += seqs.length;
  return seqs.map((seq) => messageIdOf({ shard: meta.shard, seq }));
}
