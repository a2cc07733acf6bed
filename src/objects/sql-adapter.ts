/** Adapts a Durable Object's SQLite storage to the domain's SqlPort (src/domain/sql.ts). */
import type { SqlPort, SqlRow, SqlValue } from "../domain/sql";

export function durableSql(storage: DurableObjectStorage): SqlPort {
  const exec = (query: string, params: SqlValue[]) => storage.sql.exec(query, ...params).toArray();
  return {
    all: <Row extends SqlRow>(query: string, ...params: SqlValue[]) => exec(query, params) as Row[],
    first: <Row extends SqlRow>(query: string, ...params: SqlValue[]) =>
      exec(query, params)[0] as Row | undefined,
    run: (query, ...params) => {
      exec(query, params);
    },
    transaction: (fn) => storage.transactionSync(fn),
  };
}
