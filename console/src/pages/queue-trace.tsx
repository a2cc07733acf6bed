/**
 * A message's trace (EdgeGetMessageTrace): what happened to it, oldest first — sent, each
 * delivery, deleted, dead-lettered, expired — while the queue's `trace` attribute is 1.
 * @module
 */
import type { Queue, TraceEvent } from "cmq-edge/client/http";
import { useEffect, useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { timeMs } from "../format";
import { useAction } from "../use-action";

/** A press of "Trace" beside a message elsewhere on the page (`seq` tells two presses apart). */
export interface TraceRequest {
  msgId: string;
  seq: number;
}

export function QueueTraceSection(props: {
  queue: Queue;
  tracing: boolean;
  request: TraceRequest | undefined;
}) {
  const { queue, request } = props;
  const [typed, setTyped] = useState("");
  const [events, setEvents] = useState<TraceEvent[] | undefined>(undefined);
  const action = useAction();
  const find = async (id: string) => {
    const found = await queue.trace(id);
    setEvents(found);
    return found.length === 0 ? `No trace of message ${id}.` : undefined;
  };
  useEffect(() => {
    if (!request) return;
    setTyped(request.msgId);
    void action.run(() => find(request.msgId));
  }, [request]);
  const submit = action.onSubmit(() => find(typed.trim()));
  return (
    <section class="panel" aria-label="Trace">
      <h2>Trace</h2>
      {!props.tracing && (
        <p class="hint">
          Tracing is off for this queue: set its trace attribute to 1 to record new messages.
        </p>
      )}
      <form class="row" onSubmit={submit} aria-label="Trace a message">
        <input
          aria-label="Message id"
          placeholder="message id"
          required
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
        <button type="submit" disabled={action.busy}>
          Trace
        </button>
      </form>
      <Outcome outcome={action.outcome} />
      {events && events.length > 0 && (
        <ol class="trace" aria-label="Trace events">
          {events.map((e, i) => (
            <li key={`${e.timeMs}-${i}`}>
              <time>{timeMs(e.timeMs)}</time> <strong>{e.event}</strong>
              <span class="details">{details(e)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Every field of an event but its time and name, as `key value` pairs. */
function details(event: TraceEvent): string {
  const { time: _time, timeMs: _ms, event: _event, ...rest } = event;
  return Object.entries(rest)
    .map(([k, v]) => `${k} ${v}`)
    .join(" · ");
}
