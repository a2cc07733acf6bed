/** A queue's depth over the last hour as a line in a table cell: the shape, not the numbers. */
import type { EdgeMinute } from "cmq-edge/client/http";

const WIDTH = 120;
const HEIGHT = 24;

export function Sparkline(props: { history: readonly EdgeMinute[] }) {
  const rows = props.history;
  const max = Math.max(1, ...rows.map((r) => r.depth));
  const first = rows[0]?.time ?? 0;
  const span = Math.max(60, (rows.at(-1)?.time ?? first) - first);
  const y = (depth: number) => (HEIGHT - 1 - (depth / max) * (HEIGHT - 2)).toFixed(1);
  // One minute of history is a level line across the cell.
  const points =
    rows.length === 1
      ? `1,${y(rows[0]?.depth ?? 0)} ${WIDTH - 1},${y(rows[0]?.depth ?? 0)}`
      : rows
          .map((r) => `${(((r.time - first) / span) * (WIDTH - 2) + 1).toFixed(1)},${y(r.depth)}`)
          .join(" ");
  return (
    <svg class="sparkline" width={WIDTH} height={HEIGHT} role="img" aria-label="depth, last hour">
      {rows.length > 0 && <polyline points={points} />}
    </svg>
  );
}
