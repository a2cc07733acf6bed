/** The domain's SqlPort over node:sqlite, so domain tests run in plain Node with chosen clocks. */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqlPort, SqlRow, SqlValue } from "../../src/domain/sql";

export function memorySql(): SqlPort & { close(): void } {
  const db = new DatabaseSync(":memory:");
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  let depth = 0;
  return {
    all: <Row extends SqlRow>(sql: string, ...params: SqlValue[]) =>
      prepare(sql).all(...(params as never[])) as Row[],
    first: <Row extends SqlRow>(sql: string, ...params: SqlValue[]) =>
      prepare(sql).all(...(params as never[]))[0] as Row | undefined,
    run: (sql, ...params) => {
      prepare(sql).run(...(params as never[]));
    },
    transaction: <T>(fn: () => T): T => {
      // Durable Objects allow nesting (inner calls join the outer transaction); so does this.
      if (depth > 0) return fn();
      db.exec("BEGIN");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
}
