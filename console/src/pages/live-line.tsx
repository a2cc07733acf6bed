/** "updated 12:00:03, every 3 s" and a refresh button: how fresh the numbers on a page are. */

export function LiveLine(props: {
  updatedAt: number | undefined;
  everyMs: number;
  onRefresh(): void;
}) {
  const at = props.updatedAt
    ? new Date(props.updatedAt).toLocaleTimeString("en-GB", { hour12: false })
    : "—";
  return (
    <span class="live">
      <span class="dot" aria-hidden="true" />
      updated <time>{at}</time>, every {props.everyMs / 1000} s
      <button type="button" class="link" onClick={props.onRefresh}>
        Refresh
      </button>
    </span>
  );
}
