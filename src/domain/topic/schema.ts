/**
 * The TopicObject's schema (docs/architecture.md "Objects"). A published message is stored once;
 * the outbox holds one row per (subscription, message) still to deliver, with its retry count and
 * when it is next due. Rows leave the outbox when delivered or dropped, and a message leaves when
 * its last outbox row does.
 * @module
 */
import { SEEN_REQUEST_TABLE } from "../replay-guard";
import type { Migration } from "../sql";

export const TOPIC_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE topic_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        topic_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        shard INTEGER NOT NULL,
        max_msg_size INTEGER NOT NULL,
        filter_type INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        next_seq INTEGER NOT NULL,
        msg_count INTEGER NOT NULL
      )`,
      // Counters per subscription: routed (cumulative, CMQ's msgCount, §9 R5), pending in the
      // outbox, delivered and dropped after the retries ran out.
      // AUTOINCREMENT: an id is never reused, so a new subscription cannot inherit the outbox
      // rows of an unsubscribed one that are still being purged.
      `CREATE TABLE subscription (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        subscription_id TEXT NOT NULL,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        notify_strategy TEXT NOT NULL,
        content_format TEXT NOT NULL,
        filter_tags TEXT NOT NULL,
        binding_keys TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        routed_count INTEGER NOT NULL DEFAULT 0,
        pending_count INTEGER NOT NULL DEFAULT 0,
        delivered_count INTEGER NOT NULL DEFAULT 0,
        dropped_count INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      )`,
      `CREATE TABLE topic_message (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        tags TEXT NOT NULL,
        routing_key TEXT,
        published_at INTEGER NOT NULL,
        pending INTEGER NOT NULL
      )`,
      `CREATE TABLE outbox (
        subscription INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        retries INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL,
        PRIMARY KEY (subscription, seq)
      ) WITHOUT ROWID`,
      // A subscription's lane takes its due rows in (due_at, seq) order: publish order unless
      // a retry intervenes.
      "CREATE INDEX outbox_by_lane ON outbox (subscription, due_at, seq)",
      "CREATE INDEX outbox_by_due ON outbox (due_at)",
      // Unsubscribed subscriptions whose outbox rows are still being purged in chunks.
      "CREATE TABLE purged_subscription (id INTEGER PRIMARY KEY)",
      ...SEEN_REQUEST_TABLE,
    ],
  },
  {
    version: 2,
    statements: [
      // When last_error happened (Unix ms); both are cleared by the next successful delivery.
      "ALTER TABLE subscription ADD COLUMN last_error_at INTEGER",
    ],
  },
  {
    version: 3,
    statements: [
      // How long a published message waits for delivery (API 3.0's MsgRetentionSeconds), and
      // whether the topic's Trace flag is set (reported; queues keep the traces).
      "ALTER TABLE topic_meta ADD COLUMN msg_retention_seconds INTEGER NOT NULL DEFAULT 86400",
      "ALTER TABLE topic_meta ADD COLUMN trace INTEGER NOT NULL DEFAULT 0",
    ],
  },
  {
    version: 4,
    statements: [
      // Failed delivery attempts (each retry and the last one), for GET /metrics.
      "ALTER TABLE subscription ADD COLUMN failed_count INTEGER NOT NULL DEFAULT 0",
    ],
  },
];
