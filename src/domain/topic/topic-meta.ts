/** The topic's metadata row: attributes and counters, read and written inside each transaction. */
import type { SqlPort } from "../sql";
import type { FilterType } from "./filter";

export interface TopicMeta {
  name: string;
  topicId: string;
  /** The tenant: pushes name it as TopicOwner, and queue deliveries stay inside it. */
  appId: string;
  shard: number;
  maxMsgSize: number;
  filterType: FilterType;
  /** How long a published message is kept for delivery. */
  msgRetentionSeconds: number;
  /** API 3.0's Trace flag: 1 or 0. */
  trace: number;
  createdAt: number;
  modifiedAt: number;
  nextSeq: number;
  /** Messages stored: published and not yet delivered or dropped everywhere. */
  msgCount: number;
}

interface MetaRow {
  [column: string]: string | number;
  name: string;
  topic_id: string;
  app_id: string;
  shard: number;
  max_msg_size: number;
  filter_type: number;
  msg_retention_seconds: number;
  trace: number;
  created_at: number;
  modified_at: number;
  next_seq: number;
  msg_count: number;
}

export function findTopicMeta(sql: SqlPort): TopicMeta | undefined {
  const r = sql.first<MetaRow>("SELECT * FROM topic_meta WHERE id = 1");
  if (!r) return undefined;
  return {
    name: r.name,
    topicId: r.topic_id,
    appId: r.app_id,
    shard: r.shard,
    maxMsgSize: r.max_msg_size,
    filterType: r.filter_type === 2 ? 2 : 1,
    msgRetentionSeconds: r.msg_retention_seconds,
    trace: r.trace,
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
    nextSeq: r.next_seq,
    msgCount: r.msg_count,
  };
}

export function insertTopicMeta(sql: SqlPort, m: TopicMeta): void {
  sql.run(
    `INSERT INTO topic_meta (id, name, topic_id, app_id, shard, max_msg_size, filter_type,
       created_at, modified_at, next_seq, msg_count, msg_retention_seconds, trace)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    m.name,
    m.topicId,
    m.appId,
    m.shard,
    m.maxMsgSize,
    m.filterType,
    m.createdAt,
    m.modifiedAt,
    m.nextSeq,
    m.msgCount,
    m.msgRetentionSeconds,
    m.trace,
  );
}

export function saveTopicMeta(sql: SqlPort, m: TopicMeta): void {
  sql.run(
    `UPDATE topic_meta SET max_msg_size = ?, modified_at = ?, next_seq = ?, msg_count = ?,
       msg_retention_seconds = ?, trace = ? WHERE id = 1`,
    m.maxMsgSize,
    m.modifiedAt,
    m.nextSeq,
    m.msgCount,
    m.msgRetentionSeconds,
    m.trace,
  );
}
