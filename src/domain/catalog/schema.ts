/**
 * The CatalogObject's schema: one per tenant, the names of its queues and topics for uniqueness,
 * quotas and listing (docs/architecture.md "Objects"). Names are unique case-insensitively, so
 * the key is lower case.
 * @module
 */
import { SEEN_REQUEST_TABLE } from "../replay-guard";
import type { Migration } from "../sql";

export const CATALOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE queue_entry (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      ...SEEN_REQUEST_TABLE,
    ],
  },
  {
    version: 2,
    statements: [
      `CREATE TABLE topic_entry (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        topic_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    statements: [
      // Which queue dead-letters into which: for the nesting and fan-in rules, for refusing to
      // delete a dead-letter queue in use, and for ListDeadLetterSourceQueues.
      `CREATE TABLE dead_letter_binding (
        source_key TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        dlq_key TEXT NOT NULL
      )`,
      "CREATE INDEX dead_letter_binding_by_dlq ON dead_letter_binding (dlq_key)",
    ],
  },
  {
    version: 4,
    statements: [
      // Tags of queues and topics (entry-tags.ts); by (kind, key, value) for Filters of tag:<key>.
      `CREATE TABLE entry_tag (
        kind TEXT NOT NULL,
        name_key TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (kind, name_key, tag_key)
      ) WITHOUT ROWID`,
      "CREATE INDEX entry_tag_by_tag ON entry_tag (kind, tag_key, tag_value)",
      // Which subscriptions push into which queue (queue-subscriptions.ts).
      `CREATE TABLE queue_subscription (
        queue_key TEXT NOT NULL,
        topic_key TEXT NOT NULL,
        topic TEXT NOT NULL,
        subscription_key TEXT NOT NULL,
        subscription TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (queue_key, topic_key, subscription_key)
      ) WITHOUT ROWID`,
      "CREATE INDEX queue_subscription_by_topic ON queue_subscription (topic_key, subscription_key)",
    ],
  },
];
