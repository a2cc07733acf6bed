/**
 * The tenant's dead-letter bindings (source queue → dead-letter queue). The rules (cmq-api-http.md
 * §4.1): a queue is not its own dead-letter queue; a dead-letter queue has no dead-letter queue of
 * its own and a queue serving as one gets none, so no cycle can form; one dead-letter queue serves
 * at most six sources.
 * @module
 */
import { fail } from "../errors";
import { DEAD_LETTER_LIMITS } from "../limits";
import { nameKey } from "../object-names";
import type { SqlPort } from "../sql";

/**
 * Records that `source` dead-letters into `dlq` (replacing any earlier binding of `source`).
 * Fails: deadLetterNesting, deadLetterBoundTooMany (nothing written).
 */
export function bindDeadLetter(sql: SqlPort, source: string, dlq: string): void {
  const s = nameKey(source);
  const d = nameKey(dlq);
  if (s === d)
    fail({ kind: "deadLetterNesting", reason: "a queue cannot be its own dead-letter queue" });
  if (sql.first("SELECT 1 AS bound FROM dead_letter_binding WHERE source_key = ?", d)) {
    fail({ kind: "deadLetterNesting", reason: `${dlq} has a dead-letter queue of its own` });
  }
  if (sql.first("SELECT 1 AS serves FROM dead_letter_binding WHERE dlq_key = ?", s)) {
    fail({ kind: "deadLetterNesting", reason: `${source} is itself a dead-letter queue` });
  }
  const others =
    sql.first<{ n: number }>(
      "SELECT COUNT(*) AS n FROM dead_letter_binding WHERE dlq_key = ? AND source_key != ?",
      d,
      s,
    )?.n ?? 0;
  const limit = DEAD_LETTER_LIMITS.sourcesPerQueue;
  if (others >= limit) fail({ kind: "deadLetterBoundTooMany", queue: dlq, limit });
  sql.run(
    `INSERT INTO dead_letter_binding (source_key, source, dlq_key) VALUES (?, ?, ?)
     ON CONFLICT (source_key) DO UPDATE SET dlq_key = excluded.dlq_key`,
    s,
    source,
    d,
  );
}

/** The dead-letter queue (its name key) `source` is bound to, if any. */
export function bindingOf(sql: SqlPort, source: string): string | undefined {
  return sql.first<{ dlq_key: string }>(
    "SELECT dlq_key FROM dead_letter_binding WHERE source_key = ?",
    nameKey(source),
  )?.dlq_key;
}

/** Puts back a binding read by bindingOf (undefined: none), without the rules: it held before. */
export function restoreBinding(sql: SqlPort, source: string, dlqKey: string | undefined): void {
  if (dlqKey === undefined) unbindDeadLetter(sql, source);
  else {
    sql.run(
      `INSERT INTO dead_letter_binding (source_key, source, dlq_key) VALUES (?, ?, ?)
       ON CONFLICT (source_key) DO UPDATE SET dlq_key = excluded.dlq_key`,
      nameKey(source),
      source,
      dlqKey,
    );
  }
}

export function unbindDeadLetter(sql: SqlPort, source: string): boolean {
  return (
    sql.all(
      "DELETE FROM dead_letter_binding WHERE source_key = ? RETURNING source",
      nameKey(source),
    ).length > 0
  );
}

/** Fails with deadLetterQueueInUse when sources still dead-letter into `queue`. */
export function checkNotInUse(sql: SqlPort, queue: string): void {
  if (sql.first("SELECT 1 AS serves FROM dead_letter_binding WHERE dlq_key = ?", nameKey(queue))) {
    fail({ kind: "deadLetterQueueInUse", queue });
  }
}

/** The names of the queues that dead-letter into `dlq`. */
export function sourcesOf(sql: SqlPort, dlq: string): string[] {
  return sql
    .all<{ source: string }>(
      "SELECT source FROM dead_letter_binding WHERE dlq_key = ? ORDER BY source_key",
      nameKey(dlq),
    )
    .map((r) => r.source);
}
