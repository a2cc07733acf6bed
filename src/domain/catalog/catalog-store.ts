/**
 * A tenant's catalog of queue names. CreateQueue registers here before initialising the queue's
 * object and DeleteQueue unregisters after destroying it, so listing never fans out to objects.
 * @module
 */
import type { ChoreReport } from "../chore-report";
import { fail } from "../errors";
import { MAX_QUEUES_PER_TENANT } from "../limits";
import {
  forgetExpiredRequests,
  nextRequestExpiry,
  type RequestStamp,
  recordRequest,
} from "../replay-guard";
import type { SqlPort } from "../sql";

export interface CatalogEntry {
  name: string;
  queueId: string;
}

export interface Registration {
  queueId: string;
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

export function nameKey(name: string): string {
  return name.toLowerCase();
}

export class CatalogStore {
  constructor(private readonly sql: SqlPort) {}

  /**
   * Registers a queue name. In: name, a fresh queue id. Out: the registered id.
   * Fails: queueLimitReached (nothing written).
   */
  registerQueue(entry: CatalogEntry, now: number, stamp?: RequestStamp): Registration {
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      const existing = this.sql.first<{ queue_id: string }>(
        "SELECT queue_id FROM queue_entry WHERE name_key = ?",
        nameKey(entry.name),
      );
      if (existing) return { queueId: existing.queue_id, fresh: false };
      const count = this.sql.first<{ n: number }>("SELECT COUNT(*) AS n FROM queue_entry")?.n ?? 0;
      if (count >= MAX_QUEUES_PER_TENANT)
        fail({ kind: "queueLimitReached", limit: MAX_QUEUES_PER_TENANT });
      this.sql.run(
        "INSERT INTO queue_entry (name_key, name, queue_id, created_at) VALUES (?, ?, ?, ?)",
        nameKey(entry.name),
        entry.name,
        entry.queueId,
        now,
      );
      return { queueId: entry.queueId, fresh: true };
    });
  }

  /** Records a request stamp on its own, for actions that must refuse a replay before acting. */
  admit(stamp?: RequestStamp): void {
    this.sql.transaction(() => recordRequest(this.sql, stamp));
  }

  /** Removes a queue name; returns whether it was registered. */
  unregisterQueue(name: string): boolean {
    return this.sql.transaction(
      () =>
        this.sql.all("DELETE FROM queue_entry WHERE name_key = ? RETURNING name", nameKey(name))
          .length > 0,
    );
  }

  /** Queues whose name contains `searchWord` (case-insensitive), oldest first, one page. */
  listQueues(query: ListQuery, stamp?: RequestStamp): ListPage {
    return this.sql.transaction(() => {
      recordRequest(this.sql, stamp);
      const word = nameKey(query.searchWord ?? "");
      // instr() rather than LIKE: names may hold `_`, which LIKE would treat as a wildcard.
      const total =
        this.sql.first<{ n: number }>(
          "SELECT COUNT(*) AS n FROM queue_entry WHERE instr(name_key, ?) > 0",
          word,
        )?.n ?? 0;
      const entries = this.sql
        .all<{ name: string; queue_id: string }>(
          `SELECT name, queue_id FROM queue_entry WHERE instr(name_key, ?) > 0
           ORDER BY created_at, rowid LIMIT ? OFFSET ?`,
          word,
          query.limit,
          query.offset,
        )
        .map((r) => ({ name: r.name, queueId: r.queue_id }));
      return { total, entries };
    });
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
