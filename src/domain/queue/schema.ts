/**
 * The QueueObject's SQLite schema, as numbered append-only migrations (docs/architecture.md
 * "Storage inside a QueueObject"). Live messages and deleted-but-rewindable ones live in separate
 * tables, so the message table's primary key order is the oldest-first order of what is still
 * consumable.
 * @module
 */

import { SEEN_REQUEST_TABLE } from "../replay-guard";
import type { Migration } from "../sql";

export const QUEUE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      // One row (id = 1) while the queue exists; absent before CreateQueue and after DeleteQueue.
      // Counters are maintained with every change so attributes never COUNT(*) the queue.
      // (settled_at, settled_seq) is the watermark below which delayed and in-flight messages have
      // been counted as active (src/domain/queue/counters.ts).
      `CREATE TABLE queue_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        shard INTEGER NOT NULL,
        max_msg_heap_num INTEGER NOT NULL,
        polling_wait_seconds INTEGER NOT NULL,
        visibility_timeout INTEGER NOT NULL,
        max_msg_size INTEGER NOT NULL,
        msg_retention_seconds INTEGER NOT NULL,
        rewind_seconds INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        next_seq INTEGER NOT NULL,
        msg_count INTEGER NOT NULL,
        delayed_count INTEGER NOT NULL,
        inflight_count INTEGER NOT NULL,
        rewindable_count INTEGER NOT NULL,
        settled_at INTEGER NOT NULL,
        settled_seq INTEGER NOT NULL,
        rewind_cursor INTEGER,
        rewind_last INTEGER,
        rewind_at INTEGER
      )`,
      // visible_at is when the message may next be received (after its delay or visibility
      // timeout); it is never earlier than enqueued_at. Times are Unix milliseconds.
      `CREATE TABLE message (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        first_dequeued_at INTEGER NOT NULL DEFAULT 0,
        dequeue_count INTEGER NOT NULL DEFAULT 0
      )`,
      // Receive takes the first rows of this index; settling counters walks it forward.
      "CREATE INDEX message_by_visibility ON message (visible_at, seq)",
      // Deleted messages kept for RewindQueue while rewindSeconds > 0.
      `CREATE TABLE rewindable (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL,
        first_dequeued_at INTEGER NOT NULL,
        dequeue_count INTEGER NOT NULL
      )`,
      ...SEEN_REQUEST_TABLE,
    ],
  },
  {
    version: 2,
    statements: [
      // When a message was last received, and when a rewindable one was deleted: a rewind applied
      // in chunks must not undo what consumers did after it started (rewind.ts).
      "ALTER TABLE message ADD COLUMN last_dequeued_at INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE rewindable ADD COLUMN deleted_at INTEGER NOT NULL DEFAULT 0",
    ],
  },
  {
    version: 3,
    statements: [
      // The tenant, to reach the dead-letter queue (an object named by appId and queue name).
      "ALTER TABLE queue_meta ADD COLUMN app_id TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE queue_meta ADD COLUMN dead_letter_policy TEXT",
      // A redrive of this (dead-letter) queue back to the sources: rate, progress, budget clock.
      "ALTER TABLE queue_meta ADD COLUMN redrive_rate INTEGER",
      "ALTER TABLE queue_meta ADD COLUMN redrive_moved INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN redrive_at INTEGER",
      // Where a dead-lettered message came from (the TCP pull reply carries these).
      "ALTER TABLE message ADD COLUMN origin_queue TEXT",
      "ALTER TABLE message ADD COLUMN origin_pub_time INTEGER",
      "ALTER TABLE message ADD COLUMN origin_dequeue_count INTEGER",
      "ALTER TABLE rewindable ADD COLUMN origin_queue TEXT",
      "ALTER TABLE rewindable ADD COLUMN origin_pub_time INTEGER",
      "ALTER TABLE rewindable ADD COLUMN origin_dequeue_count INTEGER",
      // Keys of hand-offs accepted from other queues (dead-letter moves, redrives): a retry after
      // a lost answer is taken once (dead-letter.ts).
      "CREATE TABLE hand_off (key TEXT PRIMARY KEY, at INTEGER NOT NULL)",
      "CREATE INDEX hand_off_by_time ON hand_off (at)",
    ],
  },
  {
    version: 4,
    statements: [
      // Transaction (half) messages: stored, not deliverable, until the producer commits (they
      // move to the message table) or rolls back; `producer` names who to ask back.
      `CREATE TABLE half_message (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL,
        delay_seconds INTEGER NOT NULL,
        producer TEXT NOT NULL,
        query_interval INTEGER NOT NULL,
        next_query_at INTEGER NOT NULL,
        queries INTEGER NOT NULL DEFAULT 0,
        deadline INTEGER NOT NULL
      )`,
      "CREATE INDEX half_message_by_producer ON half_message (producer, next_query_at)",
      "CREATE INDEX half_message_by_deadline ON half_message (deadline)",
      "ALTER TABLE queue_meta ADD COLUMN half_count INTEGER NOT NULL DEFAULT 0",
    ],
  },
  {
    version: 5,
    statements: [
      "ALTER TABLE queue_meta ADD COLUMN trace INTEGER NOT NULL DEFAULT 0",
      // Each message's lifecycle while the queue's trace attribute is on (trace.ts).
      `CREATE TABLE trace_event (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        detail TEXT
      )`,
      "CREATE INDEX trace_event_by_seq ON trace_event (seq)",
      "CREATE INDEX trace_event_by_time ON trace_event (at)",
    ],
  },
  {
    version: 6,
    statements: ["ALTER TABLE queue_meta ADD COLUMN shards INTEGER NOT NULL DEFAULT 1"],
  },
  {
    version: 7,
    statements: [
      // ClearCmqQueue (purge.ts): the generation of the latest purge and the seq range a running
      // one still has to remove. A row a rewind or a commit brings back after a purge started
      // carries that purge's generation, so the purge leaves it alone.
      "ALTER TABLE queue_meta ADD COLUMN purge_gen INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN purge_cursor INTEGER",
      "ALTER TABLE queue_meta ADD COLUMN purge_last INTEGER",
      "ALTER TABLE message ADD COLUMN purge_gen INTEGER NOT NULL DEFAULT 0",
    ],
  },
  {
    version: 8,
    statements: [
      // Metrics (metrics.ts): monotonic message totals, raised with the change they count.
      "ALTER TABLE queue_meta ADD COLUMN sent_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN received_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN deleted_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN dead_lettered_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN expired_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN redriven_total INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE queue_meta ADD COLUMN purged_total INTEGER NOT NULL DEFAULT 0",
      // The dead letters a queue holds, kept like the other counts; counted once here for a
      // queue that already holds some (one scan, when the object first runs this version).
      "ALTER TABLE queue_meta ADD COLUMN dead_letter_count INTEGER NOT NULL DEFAULT 0",
      "UPDATE queue_meta SET dead_letter_count = (SELECT COUNT(*) FROM message WHERE origin_queue IS NOT NULL)",
      "ALTER TABLE queue_meta ADD COLUMN history_minute INTEGER NOT NULL DEFAULT 0",
      // The last hour, one row a minute in slot minute % 60: the values as that minute began.
      `CREATE TABLE metric_minute (
        slot INTEGER PRIMARY KEY,
        minute INTEGER NOT NULL,
        depth INTEGER NOT NULL,
        sent INTEGER NOT NULL,
        received INTEGER NOT NULL,
        deleted INTEGER NOT NULL
      )`,
    ],
  },
];
