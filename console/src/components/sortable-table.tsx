/**
 * A table sorted by whichever column header was pressed last (again: the other way), for lists
 * an operator scans for the largest backlog or the busiest queue.
 * @module
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export interface Column<T> {
  key: string;
  label: string;
  /** What the column sorts by. */
  value(row: T): number | string;
  render?(row: T): ComponentChildren;
  numeric?: boolean;
}

export function SortableTable<T>(props: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T): string;
  initialSort: string;
  empty: string;
  label: string;
}) {
  const [sort, setSort] = useState({ key: props.initialSort, descending: false });
  const column = props.columns.find((c) => c.key === sort.key) ?? props.columns[0];
  const rows = [...props.rows];
  if (column) {
    rows.sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order =
        typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
  }
  const press = (key: string) =>
    setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }));
  return (
    <table class="list" aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th
              key={c.key}
              class={c.numeric ? "numeric" : undefined}
              aria-sort={
                sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"
              }
            >
              <button type="button" class="sort" onClick={() => press(c.key)}>
                {c.label}
                {sort.key === c.key ? (sort.descending ? " ▼" : " ▲") : ""}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={props.columns.length} class="empty">
              {props.empty}
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={props.rowKey(row)}>
            {props.columns.map((c) => (
              <td key={c.key} class={c.numeric ? "numeric" : undefined}>
                {c.render ? c.render(row) : c.value(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
