/**
 * A tenant's catalog of queue and topic names. Create registers here before initialising the
 * object and Delete unregisters after destroying it, so listing never fans out to objects.
 * @module
 */
import type { ChoreReport } from "../chore-report";
import { fail } from "../errors";
import { DEAD_LETTER_LIMITS, MAX_QUEUES_PER_TENANT, MAX_TOPICS_PER_TENANT } from "../limits";
import { nameKey } from "../object-names";
import {
  forgetExpiredRequests,
  forgetRequest,
  nextRequestExpiry,
  type RequestStamp,
  recordRequest,
} from "../replay-guard";
import type { SqlPort } from "../sql";
import {
  bindDeadLetter,
  bindingOf,
  checkNotInUse,
  restoreBinding,
  sourcesOf,
  unbindDeadLetter,
} from "./dead-letter-bindings";
import { removeTags, setTags, type Tag, type TagFilter, tagConditions, tagsOf } from "./entry-tags";
import {
  addQueueSubscription,
  type QueueSubscription,
  queueSubscriptions,
  removeQueueSubscription,
} from "./queue-subscriptions";

export type EntryKind = "queue" | "topic";

export interface CatalogEntry {
  name: string;
  /** The queueId or topicId. */
  id: string;
}

export interface Registration {
  id: string;
  /** False when the name was already registered (the caller decides whether that is an error). */
  fresh: boolean;
}

export interface ListQuery {
  searchWord?: string;
  offset: number;
  limit: number;
}

export interface ListPage {
  total: number;
  entries: CatalogEntry[];
}

/** API 3.0's Describe* filters: a fuzzy name, exact names, and tags. */
export interface FilteredQuery extends ListQuery {
  names?: string[];
  tags?: TagFilter[];
}

export interface TaggedEntry extends CatalogEntry {
  tags: Tag[];
  /** Queues only: the queues that dead-letter into this one. */
  deadLetterSources?: CatalogEntry[];
}

export interface TaggedPage {
  total: number;
  entries: TaggedEntry[];
}

const ALL_SOURCES: ListQuery = { offset: 0, limit: DEAD_LETTER_LIMITS.sourcesPerQueue };

const TABLES = {
  queue: { table: "queue_entry", id: "queue_id", limit: MAX_QUEUES_PER_TENANT },
  topic: { table: "topic_entry", id: "topic_id", limit: MAX_TOPICS_PER_TENANT },
} as const;

export class CatalogStore {
  constructor(private readonly sql: SqlPort) {}

  /**
   * Registers a name. In: name, a fresh id. Out: the registered id.
   * Fails: queueLimitReached / topicLimitReached (nothing written).
   */
  register(
    kind: EntryKind,
    entry: CatalogEntry,
    now: number,
    stamp?: RequestStamp,
    tags: readonly Tag[] = [],
  ): Registration {
    const t = TABLES[kind];
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      const existing = this.sql.first<{ id: string }>(
        `SELECT ${t.id} AS id FROM ${t.table} WHERE name_key = ?`,
        nameKey(entry.name),
      );
      // A create finishing one a crash interrupted (catalog-object.ts) brings its tags again.
      if (existing) {
        if (tags.length > 0) setTags(this.sql, kind, entry.name, tags);
        return { id: existing.id, fresh: false };
      }
      const count = this.sql.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t.table}`)?.n ?? 0;
      if (count >= t.limit) {
        fail(
          kind === "queue"
            ? { kind: "queueLimitReached", limit: t.limit }
            : { kind: "topicLimitReached", limit: t.limit },
        );
      }
      this.sql.run(
        `INSERT INTO ${t.table} (name_key, name, ${t.id}, created_at) VALUES (?, ?, ?, ?)`,
        nameKey(entry.name),
        entry.name,
        entry.id,
        now,
      );
      setTags(this.sql, kind, entry.name, tags);
      return { id: entry.id, fresh: true };
    });
  }

  /** Records a request stamp on its own, for actions that must refuse a replay before acting. */
  admit(stamp?: RequestStamp): void {
    this.sql.transaction(() => recordRequest(this.sql, stamp));
  }

  /** Forgets a stamp that register or admit recorded, when the work it guarded failed. */
  forget(stamp?: RequestStamp): void {
    forgetRequest(this.sql, stamp);
  }

  /** Removes a name; returns whether it was registered. */
  unregister(kind: EntryKind, name: string): boolean {
    const t = TABLES[kind];
    return this.sql.transaction(() => {
      removeTags(this.sql, kind, name);
      return (
        this.sql.all(`DELETE FROM ${t.table} WHERE name_key = ? RETURNING name`, nameKey(name))
          .length > 0
      );
    });
  }

  /** Names containing `searchWord` (case-insensitive), oldest first, one page. */
  list(kind: EntryKind, query: ListQuery, stamp?: RequestStamp): ListPage {
    const t = TABLES[kind];
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      const word = nameKey(query.searchWord ?? "");
      // instr() rather than LIKE: names may hold `_`, which LIKE would treat as a wildcard.
      const total =
        this.sql.first<{ n: number }>(
          `SELECT COUNT(*) AS n FROM ${t.table} WHERE instr(name_key, ?) > 0`,
          word,
        )?.n ?? 0;
      const entries = this.sql
        .all<{ name: string; id: string }>(
          `SELECT name, ${t.id} AS id FROM ${t.table} WHERE instr(name_key, ?) > 0
           ORDER BY created_at, rowid LIMIT ? OFFSET ?`,
          word,
          query.limit,
          query.offset,
        )
        .map((r) => ({ name: r.name, id: r.id }));
      return { total, entries };
    });
  }

  /**
   * Like list, with API 3.0's filters (exact names, tags) and each entry's tags. Names in `names`
   * and tag values are bound as one JSON array each, so any number of them stays one parameter.
   */
  listTagged(kind: EntryKind, query: FilteredQuery, stamp?: RequestStamp): TaggedPage {
    const t = TABLES[kind];
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      const where = ["instr(e.name_key, ?) > 0"];
      const params: string[] = [nameKey(query.searchWord ?? "")];
      if (query.names) {
        where.push("e.name_key IN (SELECT value FROM json_each(?))");
        params.push(JSON.stringify(query.names.map(nameKey)));
      }
      const tags = tagConditions(kind, "e", query.tags ?? []);
      where.push(...tags.where);
      params.push(...tags.params);
      const from = `FROM ${t.table} e WHERE ${where.join(" AND ")}`;
      const total =
        this.sql.first<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, ...params)?.n ?? 0;
      const rows = this.sql.all<{ name: string; id: string }>(
        `SELECT e.name AS name, e.${t.id} AS id ${from} ORDER BY e.created_at, e.rowid LIMIT ? OFFSET ?`,
        ...params,
        query.limit,
        query.offset,
      );
      const byName = tagsOf(
        this.sql,
        kind,
        rows.map((r) => r.name),
      );
      const sources = (name: string) =>
        kind === "queue"
          ? { deadLetterSources: this.deadLetterSources(name, ALL_SOURCES).entries }
          : {};
      return {
        total,
        entries: rows.map((r) => ({
          name: r.name,
          id: r.id,
          tags: byName.get(nameKey(r.name)) ?? [],
          ...sources(r.name),
        })),
      };
    });
  }

  /** Records that a topic's subscription pushes into `queue`; returns whether it is new. */
  addQueueSubscription(queue: string, subscription: QueueSubscription, now: number): boolean {
    return this.sql.transaction(() => addQueueSubscription(this.sql, queue, subscription, now));
  }

  removeQueueSubscription(subscription: QueueSubscription): void {
    this.sql.transaction(() => removeQueueSubscription(this.sql, subscription));
  }

  /** The subscriptions pushing into `queue` (queue-subscriptions.ts), one page. */
  queueSubscriptions(queue: string, query: ListQuery) {
    return queueSubscriptions(this.sql, queue, query);
  }

  /** Binds `source` to dead-letter into `dlq`. Fails: deadLetterNesting, deadLetterBoundTooMany. */
  bindDeadLetter(source: string, dlq: string, stamp?: RequestStamp): void {
    this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      bindDeadLetter(this.sql, source, dlq);
    });
  }

  unbindDeadLetter(source: string, stamp?: RequestStamp): boolean {
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      return unbindDeadLetter(this.sql, source);
    });
  }

  /** The binding of `source` as it is now, to put back with restoreDeadLetterBinding. */
  deadLetterBinding(source: string): string | undefined {
    return bindingOf(this.sql, source);
  }

  restoreDeadLetterBinding(source: string, dlqKey: string | undefined): void {
    this.sql.transaction(() => restoreBinding(this.sql, source, dlqKey));
  }

  /** Fails with deadLetterQueueInUse when sources still dead-letter into `queue`. */
  checkDeletable(queue: string): void {
    checkNotInUse(this.sql, queue);
  }

  /** The queues dead-lettering into `dlq` whose name contains `searchWord`, one page. */
  deadLetterSources(dlq: string, query: ListQuery): ListPage {
    const word = nameKey(query.searchWord ?? "");
    const all = sourcesOf(this.sql, dlq).filter((name) => nameKey(name).includes(word));
    const entries = all.slice(query.offset, query.offset + query.limit).map((name) => ({
      name,
      id:
        this.sql.first<{ id: string }>(
          "SELECT queue_id AS id FROM queue_entry WHERE name_key = ?",
          nameKey(name),
        )?.id ?? "",
    }));
    return { total: all.length, entries };
  }

  /** Forgets expired request stamps; returns when to run again, or null. */
  chores(now: number): ChoreReport {
    return this.sql.transaction(() => ({
      more: forgetExpiredRequests(this.sql, now),
      nextAt: this.nextChoreAt(),
    }));
  }

  nextChoreAt(): number | null {
    return nextRequestExpiry(this.sql);
  }
}
