/**
 * The narrow storage port the domain runs on: statements and a transaction. Durable Objects adapt
 * `ctx.storage.sql` to it (src/objects/sql-adapter.ts); domain tests adapt node:sqlite.
 * @module
 */

export type SqlValue = string | number | null | ArrayBuffer;
export type SqlRow = Record<string, SqlValue>;

export interface SqlPort {
  /** Runs one statement and returns every row it produced. */
  all<Row extends SqlRow = SqlRow>(sql: string, ...params: SqlValue[]): Row[];
  /** Runs one statement and returns its first row, if any. */
  first<Row extends SqlRow = SqlRow>(sql: string, ...params: SqlValue[]): Row | undefined;
  /** Runs one statement for its effect. */
  run(sql: string, ...params: SqlValue[]): void;
  /** Runs `fn` atomically: every statement commits together, or none does when `fn` throws. */
  transaction<T>(fn: () => T): T;
}

/**
 * Durable Object SQLite accepts at most 100 bound parameters per statement, so multi-row statements
 * are cut into chunks of this many rows per `columns` parameters.
 */
export const MAX_BOUND_PARAMETERS = 100;

export function rowsPerStatement(columns: number): number {
  return Math.floor(MAX_BOUND_PARAMETERS / columns);
}

const placeholderTexts = new Map<string, string>();

/**
 * Cuts `items` into one statement's worth each: an item binds `each` parameters (an inserted row's
 * columns, or 1 for a value of an `IN (…)` list) and the statement `fixed` more besides them.
 */
export function boundChunks<T>(items: readonly T[], each = 1, fixed = 0): T[][] {
  const per = Math.floor((MAX_BOUND_PARAMETERS - fixed) / each);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += per) chunks.push(items.slice(i, i + per));
  return chunks;
}

/** `(?, ?, ?)`: an `IN` list of `n` placeholders; cut the values with boundChunks first. */
export function inList(n: number): string {
  return placeholders(1, n);
}

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `columns` placeholders (few shapes: kept). */
export function placeholders(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let text = placeholderTexts.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    text = Array.from({ length: rows }, () => row).join(", ");
    if (rows * columns <= MAX_BOUND_PARAMETERS) placeholderTexts.set(key, text);
  }
  return text;
}

/** A numbered, append-only schema change. */
export interface Migration {
  version: number;
  statements: readonly string[];
}

/** Whether any migration ever ran here. */
export function hasSchema(sql: SqlPort): boolean {
  return (
    sql.first(
      "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
    ) !== undefined
  );
}

/**
 * Applies the migrations newer than the stored schema version, each in its own transaction.
 * Version 0 means a fresh object.
 */
export function migrate(sql: SqlPort, migrations: readonly Migration[]): void {
  sql.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const current =
    sql.first<{ version: number }>("SELECT version FROM schema_version")?.version ?? 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    sql.transaction(() => {
      for (const statement of m.statements) sql.run(statement);
      sql.run("DELETE FROM schema_version");
      sql.run("INSERT INTO schema_version (version) VALUES (?)", m.version);
    });
  }
}

/**
 * The schema of an object that exists only once created (a queue, a topic): merely addressing the
 * object must leave no storage behind, so tables are made on creation, not on first contact.
 */
export class LazySchema {
  private present: boolean;

  constructor(
    private readonly sql: SqlPort,
    private readonly migrations: readonly Migration[],
  ) {
    this.present = hasSchema(sql);
    if (this.present) migrate(sql, migrations);
  }

  get ready(): boolean {
    return this.present;
  }

  /** Creates the tables if needed (before the object's creating transaction). */
  ensure(): void {
    if (this.present) return;
    migrate(this.sql, this.migrations);
    this.present = true;
  }

  /** After the object's storage was wiped. */
  forget(): void {
    this.present = false;
  }
}
