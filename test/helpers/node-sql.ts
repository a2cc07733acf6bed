/**
 * The domain's SqlPort over node:sqlite, so domain tests run in plain Node with chosen clocks.
 * It refuses what Durable Object SQLite refuses and node:sqlite would accept: more than 100 bound
 * parameters in one statement, so a domain test fails the way the object would.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  MAX_BOUND_PARAMETERS,
  type SqlPort,
  type SqlRow,
  type SqlValue,
} from "../../src/domain/sql";

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
  // node:sqlite has no setLimit and SQLite's default allows 32766 variables. Each statement binds
  // one value per variable (numbered ones too: ?1..?n), so counting values counts variables.
  const bound = (sql: string, params: SqlValue[]) => {
    const statement = prepare(sql);
    if (params.length > MAX_BOUND_PARAMETERS) {
      // Durable Object SQLite's words for it (SQLITE_LIMIT_VARIABLE_NUMBER = 100).
      throw new Error(`too many SQL variables: ${params.length} bound in ${sql.slice(0, 60)}…`);
    }
    return statement;
  };
  let depth = 0;
  return {
    all: <Row extends SqlRow>(sql: string, ...params: SqlValue[]) =>
      bound(sql, params).all(...(params as never[])) as Row[],
    first: <Row extends SqlRow>(sql: string, ...params: SqlValue[]) =>
      bound(sql, params).all(...(params as never[]))[0] as Row | undefined,
    run: (sql, ...params) => {
      bound(sql, params).run(...(params as never[]));
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
