/**
 * The queue's single metadata row: attributes, counters, the settle watermark and a running rewind.
 * Read once into the queue store's memory (queue-store.ts) and written back inside every transaction
 * that changes it.
 * @module
 */
import { QUEUE_ATTRIBUTE_LIMITS, type QueueAttributeName } from "../limits";
import type { SqlPort } from "../sql";
import type { QueueTotals } from "./metrics";

export type QueueAttributes = Record<QueueAttributeName, number>;

export const QUEUE_ATTRIBUTE_NAMES = Object.keys(QUEUE_ATTRIBUTE_LIMITS) as QueueAttributeName[];

export function defaultQueueAttributes(): QueueAttributes {
  return Object.fromEntries(
    QUEUE_ATTRIBUTE_NAMES.map((name) => [name, QUEUE_ATTRIBUTE_LIMITS[name].default]),
  ) as QueueAttributes;
}

/** Maintained counts (docs/architecture.md: never COUNT(*) on the hot path). */
export interface Counters {
  /** Rows in the message table: active + delayed + in flight. */
  total: number;
  /** Never received, visible_at above the watermark. */
  delayed: number;
  /** Received at least once, visible_at above the watermark. */
  inflight: number;
  /** Deleted messages kept for RewindQueue. */
  rewindable: number;
  /** Transaction messages waiting for commit or rollback. */
  half: number;
}

/** Rows at or below (at, seq) in (visible_at, seq) order have been counted as active. */
export interface Watermark {
  at: number;
  seq: number;
}

/** A RewindQueue still being applied in chunks: seqs cursor..last become visible again at `at`. */
export interface RewindJob {
  cursor: number;
  last: number;
  at: number;
}

/** CMQ's deadLetterPolicy (§4.1): where, and after how many receives or how long. */
export interface DeadLetterPolicy {
  deadLetterQueue: string;
  /** 0: by receive count; 1: by time to live. */
  policy: 0 | 1;
  maxReceiveCount?: number;
  /** Seconds. */
  maxTimeToLive?: number;
}

/** A ClearCmqQueue still being applied in chunks: seqs cursor..last of older generations go. */
export interface PurgeJob {
  cursor: number;
  last: number;
}

/** A redrive of this dead-letter queue back to the source queues, at `rate` messages a second. */
export interface Redrive {
  rate: number;
  moved: number;
  /** When the rate budget was last spent (Unix ms). */
  at: number;
}

export interface QueueMeta {
  name: string;
  queueId: string;
  appId: string;
  shard: number;
  attributes: QueueAttributes;
  createdAt: number;
  modifiedAt: number;
  nextSeq: number;
  counters: Counters;
  watermark: Watermark;
  rewindJob: RewindJob | null;
  deadLetterPolicy: DeadLetterPolicy | null;
  redrive: Redrive | null;
  /** Messages redriven so far (kept when a redrive ends). */
  redriveMoved: number;
  /** The generation of the latest purge (0: none yet), and the part still to remove. */
  purgeGen: number;
  purgeJob: PurgeJob | null;
  /** Monotonic message totals (metrics.ts). */
  totals: QueueTotals;
  /** Messages held here that a source queue dead-lettered (origin_queue set). */
  deadLetterCount: number;
  /** The Unix minute of the newest history row (metrics.ts recordMinute); 0 before any. */
  historyMinute: number;
}

interface MetaRow {
  [column: string]: number | string | null;
  name: string;
  queue_id: string;
  shard: number;
  max_msg_heap_num: number;
  polling_wait_seconds: number;
  visibility_timeout: number;
  max_msg_size: number;
  msg_retention_seconds: number;
  rewind_seconds: number;
  trace: number;
  shards: number;
  created_at: number;
  modified_at: number;
  next_seq: number;
  msg_count: number;
  delayed_count: number;
  inflight_count: number;
  rewindable_count: number;
  half_count: number;
  settled_at: number;
  settled_seq: number;
  rewind_cursor: number | null;
  rewind_last: number | null;
  rewind_at: number | null;
  app_id: string;
  dead_letter_policy: string | null;
  redrive_rate: number | null;
  redrive_moved: number;
  redrive_at: number | null;
  purge_gen: number;
  purge_cursor: number | null;
  purge_last: number | null;
  sent_total: number;
  received_total: number;
  deleted_total: number;
  dead_lettered_total: number;
  expired_total: number;
  redriven_total: number;
  purged_total: number;
  dead_letter_count: number;
  history_minute: number;
}

const COLUMNS = [
  "name",
  "queue_id",
  "shard",
  "max_msg_heap_num",
  "polling_wait_seconds",
  "visibility_timeout",
  "max_msg_size",
  "msg_retention_seconds",
  "rewind_seconds",
  "trace",
  "shards",
  "created_at",
  "modified_at",
  "next_seq",
  "msg_count",
  "delayed_count",
  "inflight_count",
  "rewindable_count",
  "half_count",
  "settled_at",
  "settled_seq",
  "rewind_cursor",
  "rewind_last",
  "rewind_at",
  "app_id",
  "dead_letter_policy",
  "redrive_rate",
  "redrive_moved",
  "redrive_at",
  "purge_gen",
  "purge_cursor",
  "purge_last",
  "sent_total",
  "received_total",
  "deleted_total",
  "dead_lettered_total",
  "expired_total",
  "redriven_total",
  "purged_total",
  "dead_letter_count",
  "history_minute",
] as const;

function toRow(m: QueueMeta): (string | number | null)[] {
  const a = m.attributes;
  const c = m.counters;
  const j = m.rewindJob;
  return [
    m.name,
    m.queueId,
    m.shard,
    a.maxMsgHeapNum,
    a.pollingWaitSeconds,
    a.visibilityTimeout,
    a.maxMsgSize,
    a.msgRetentionSeconds,
    a.rewindSeconds,
    a.trace,
    a.shards,
    m.createdAt,
    m.modifiedAt,
    m.nextSeq,
    c.total,
    c.delayed,
    c.inflight,
    c.rewindable,
    c.half,
    m.watermark.at,
    m.watermark.seq,
    j?.cursor ?? null,
    j?.last ?? null,
    j?.at ?? null,
    m.appId,
    m.deadLetterPolicy ? JSON.stringify(m.deadLetterPolicy) : null,
    m.redrive?.rate ?? null,
    m.redrive?.moved ?? m.redriveMoved,
    m.redrive?.at ?? null,
    m.purgeGen,
    m.purgeJob?.cursor ?? null,
    m.purgeJob?.last ?? null,
    m.totals.sent,
    m.totals.received,
    m.totals.deleted,
    m.totals.deadLettered,
    m.totals.expired,
    m.totals.redriven,
    m.totals.purged,
    m.deadLetterCount,
    m.historyMinute,
  ];
}

function fromRow(r: MetaRow): QueueMeta {
  return {
    name: r.name,
    queueId: r.queue_id,
    shard: r.shard,
    attributes: {
      maxMsgHeapNum: r.max_msg_heap_num,
      pollingWaitSeconds: r.polling_wait_seconds,
      visibilityTimeout: r.visibility_timeout,
      maxMsgSize: r.max_msg_size,
      msgRetentionSeconds: r.msg_retention_seconds,
      rewindSeconds: r.rewind_seconds,
      trace: r.trace,
      shards: r.shards,
    },
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
    nextSeq: r.next_seq,
    counters: {
      total: r.msg_count,
      delayed: r.delayed_count,
      inflight: r.inflight_count,
      rewindable: r.rewindable_count,
      half: r.half_count,
    },
    watermark: { at: r.settled_at, seq: r.settled_seq },
    rewindJob:
      r.rewind_cursor === null || r.rewind_last === null || r.rewind_at === null
        ? null
        : { cursor: r.rewind_cursor, last: r.rewind_last, at: r.rewind_at },
    appId: r.app_id,
    deadLetterPolicy: r.dead_letter_policy ? JSON.parse(r.dead_letter_policy) : null,
    redrive:
      r.redrive_rate === null || r.redrive_at === null
        ? null
        : { rate: r.redrive_rate, moved: r.redrive_moved, at: r.redrive_at },
    redriveMoved: r.redrive_moved,
    purgeGen: r.purge_gen,
    purgeJob:
      r.purge_cursor === null || r.purge_last === null
        ? null
        : { cursor: r.purge_cursor, last: r.purge_last },
    totals: {
      sent: r.sent_total,
      received: r.received_total,
      deleted: r.deleted_total,
      deadLettered: r.dead_lettered_total,
      expired: r.expired_total,
      redriven: r.redriven_total,
      purged: r.purged_total,
    },
    deadLetterCount: r.dead_letter_count,
    historyMinute: r.history_minute,
  };
}

export function findMeta(sql: SqlPort): QueueMeta | undefined {
  const row = sql.first<MetaRow>("SELECT * FROM queue_meta WHERE id = 1");
  return row ? fromRow(row) : undefined;
}

export function insertMeta(sql: SqlPort, meta: QueueMeta): void {
  sql.run(
    `INSERT INTO queue_meta (id, ${COLUMNS.join(", ")}) VALUES (1, ${COLUMNS.map(() => "?").join(", ")})`,
    ...toRow(meta),
  );
}

export function saveMeta(sql: SqlPort, meta: QueueMeta): void {
  sql.run(
    `UPDATE queue_meta SET ${COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE id = 1`,
    ...toRow(meta),
  );
}
