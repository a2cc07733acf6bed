/**
 * What cannot be undone, each behind a second press: purge (API 3.0's ClearCmqQueue), rewind
 * (RewindQueue: deleted messages since a time come back) and deleting the queue.
 * @module
 */
import type { Queue } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { count } from "../format";
import { routeHref } from "../routes";
import { useAction } from "../use-action";
import type { QueueState } from "./queue-page";

export function QueueMaintenanceSection(props: {
  queue: Queue;
  state: QueueState;
  onChange(): void;
}) {
  const { queue, state, onChange } = props;
  const [armed, setArmed] = useState<"purge" | "delete" | undefined>(undefined);
  const [since, setSince] = useState(() => localInput(Date.now() - 3600_000));
  const action = useAction();
  const m = state.metrics;
  const held = m.activeMsgNum + m.inactiveMsgNum + m.delayMsgNum;
  const purge = () =>
    action.run(async () => {
      setArmed(undefined);
      await queue.purge();
      onChange();
      return `Purged ${queue.name}.`;
    });
  const remove = () =>
    action.run(async () => {
      await queue.remove();
      location.hash = routeHref({ page: "queues" });
      return undefined;
    });
  const rewind = action.onSubmit(async () => {
    await queue.rewind(Math.floor(new Date(since).getTime() / 1000));
    onChange();
    return `Rewound to ${since.replace("T", " ")}.`;
  });
  return (
    <section class="panel" aria-label="Maintenance">
      <h2>Maintenance</h2>
      <div class="row">
        {armed === "purge" ? (
          <button type="button" class="danger" onClick={purge} disabled={action.busy}>
            Purge {count(held)} messages now
          </button>
        ) : (
          <button type="button" onClick={() => setArmed("purge")}>
            Purge…
          </button>
        )}
        {armed === "delete" ? (
          <button type="button" class="danger" onClick={remove} disabled={action.busy}>
            Delete {queue.name} now
          </button>
        ) : (
          <button type="button" onClick={() => setArmed("delete")}>
            Delete queue…
          </button>
        )}
        {armed && (
          <button type="button" class="link" onClick={() => setArmed(undefined)}>
            Cancel
          </button>
        )}
      </div>
      <form class="row" onSubmit={rewind} aria-label="Rewind">
        <label>
          rewind to
          <input
            type="datetime-local"
            step={1}
            value={since}
            onInput={(e) => setSince(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Rewind
        </button>
        <span class="hint">needs rewindSeconds &gt; 0</span>
      </form>
      <Outcome outcome={action.outcome} />
    </section>
  );
}

/** A time as `<input type="datetime-local">` wants it: local, to the second. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}
