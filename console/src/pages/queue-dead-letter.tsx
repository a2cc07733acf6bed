/**
 * Dead letters, both ways round: this queue's policy (where its failed messages go, after how
 * many receives or how long), and, when it is a dead-letter queue, its source queues and a
 * redrive that sends its messages back to them, with its progress.
 * @module
 */
import type { CmqClient, DeadLetterPolicy, Queue } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { count } from "../format";
import { redriveProgress } from "../rates";
import { routeHref } from "../routes";
import { useAction } from "../use-action";
import { usePoll } from "../use-poll";
import type { QueueState } from "./queue-page";

interface Props {
  client: CmqClient;
  queue: Queue;
  state: QueueState;
  onChange(): void;
}

export function QueueDeadLetterSection(props: Props) {
  const sources = usePoll(
    (signal) => props.queue.deadLetterSources({ limit: 50, signal }),
    10_000,
    [props.queue.name],
  );
  const isDeadLetterQueue =
    (sources.data?.totalCount ?? 0) > 0 || props.state.metrics.deadLetterMsgNum > 0;
  return (
    <section class="panel" aria-label="Dead letters">
      <h2>Dead letters</h2>
      <Policy {...props} />
      {isDeadLetterQueue && (
        <>
          <h3>Source queues</h3>
          <ul class="sources" aria-label="Source queues">
            {(sources.data?.queues ?? []).map((q) => (
              <li key={q.queueId}>
                <a href={routeHref({ page: "queue", name: q.queueName })}>{q.queueName}</a>
              </li>
            ))}
          </ul>
          <Redrive {...props} />
        </>
      )}
    </section>
  );
}

function Policy({ queue, state, onChange }: Props) {
  const current = state.attributes.deadLetterPolicy;
  const [form, setForm] = useState<DeadLetterPolicy>(
    () => current ?? { deadLetterQueue: "", policy: 0, maxReceiveCount: 5 },
  );
  const action = useAction();
  const save = action.onSubmit(async () => {
    const policy: DeadLetterPolicy =
      form.policy === 0
        ? {
            deadLetterQueue: form.deadLetterQueue.trim(),
            policy: 0,
            maxReceiveCount: form.maxReceiveCount,
          }
        : {
            deadLetterQueue: form.deadLetterQueue.trim(),
            policy: 1,
            maxTimeToLive: form.maxTimeToLive,
          };
    await queue.setAttributes({ deadLetterPolicy: policy });
    onChange();
    return `Dead letters now go to ${policy.deadLetterQueue}.`;
  });
  const unbind = () =>
    action.run(async () => {
      await queue.unbindDeadLetterQueue();
      onChange();
      return "Dead-letter policy removed.";
    });
  const number = (key: "maxReceiveCount" | "maxTimeToLive") => (e: Event) =>
    setForm({ ...form, [key]: Number((e.currentTarget as HTMLInputElement).value) });
  return (
    <section class="part" aria-label="Dead-letter policy">
      <h3>Policy</h3>
      <p class="policy-now">
        {current ? (
          <>
            After{" "}
            {current.policy === 0
              ? `${current.maxReceiveCount} receives`
              : `${current.maxTimeToLive} s in the queue`}
            , messages move to{" "}
            <a href={routeHref({ page: "queue", name: current.deadLetterQueue })}>
              {current.deadLetterQueue}
            </a>
            .
          </>
        ) : (
          "No dead-letter queue: failed messages stay here."
        )}
      </p>
      <form class="row wrap" onSubmit={save} aria-label="Set dead-letter policy">
        <input
          aria-label="Dead-letter queue"
          placeholder="dead-letter queue"
          required
          value={form.deadLetterQueue}
          onInput={(e) => setForm({ ...form, deadLetterQueue: e.currentTarget.value })}
        />
        <select
          aria-label="Policy"
          value={String(form.policy)}
          onChange={(e) => setForm({ ...form, policy: e.currentTarget.value === "1" ? 1 : 0 })}
        >
          <option value="0">after receives</option>
          <option value="1">after time to live</option>
        </select>
        {form.policy === 0 ? (
          <input
            type="number"
            class="short"
            aria-label="maxReceiveCount"
            value={form.maxReceiveCount ?? 5}
            onInput={number("maxReceiveCount")}
          />
        ) : (
          <input
            type="number"
            class="short"
            aria-label="maxTimeToLive"
            value={form.maxTimeToLive ?? 300}
            onInput={number("maxTimeToLive")}
          />
        )}
        <button type="submit" disabled={action.busy}>
          Save policy
        </button>
        {current && (
          <button type="button" class="link" onClick={unbind} disabled={action.busy}>
            Unbind
          </button>
        )}
      </form>
      <Outcome outcome={action.outcome} />
    </section>
  );
}

function Redrive({ queue, state, onChange }: Props) {
  const [rate, setRate] = useState("100");
  const [heldAtStart, setHeldAtStart] = useState<number | undefined>(undefined);
  const action = useAction();
  const { redriveStatus, redriveMovedMsgNum } = state.attributes;
  const running = redriveStatus === "running";
  const held = heldAtStart ?? redriveMovedMsgNum + state.metrics.deadLetterMsgNum;
  const progress = redriveProgress(redriveMovedMsgNum, held, running);
  const start = () =>
    action.run(async () => {
      setHeldAtStart(state.metrics.deadLetterMsgNum);
      await queue.redrive({ rate: Number(rate) });
      onChange();
      return undefined;
    });
  return (
    <section class="part" aria-label="Redrive">
      <h3>Redrive</h3>
      <div class="row">
        <label>
          rate (messages/s)
          <input
            type="number"
            class="short"
            min={1}
            max={1000}
            value={rate}
            onInput={(e) => setRate(e.currentTarget.value)}
          />
        </label>
        <button type="button" onClick={start} disabled={action.busy || running}>
          Redrive
        </button>
      </div>
      <Outcome outcome={action.outcome} />
      {(running || redriveMovedMsgNum > 0) && (
        <div class="progress" data-status={running ? "running" : "done"}>
          <progress max={1} value={progress} aria-label="Redrive progress" />
          <span class="progress-text">
            {running
              ? `Redrive running: ${count(redriveMovedMsgNum)} of ${count(held)} moved back`
              : `Redrive done: ${count(redriveMovedMsgNum)} moved back to their source queues`}
          </span>
        </div>
      )}
    </section>
  );
}
