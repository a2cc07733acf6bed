/**
 * One queue: its live depth and rates, the last hour as charts, and everything done to it —
 * messages (send, peek, receive and delete), traces, attributes with inline edit, the dead-letter
 * policy, sources and redrive, purge and rewind.
 * @module
 */
import type { CmqClient, EdgeQueueMetrics, QueueAttributes } from "cmq-edge/client/http";
import { useRef, useState } from "preact/hooks";
import { queueMetrics } from "../api";
import { Chart } from "../components/chart";
import { ErrorLine } from "../components/notice";
import { StatCards } from "../components/stat-cards";
import { count, rate } from "../format";
import { type Reading, ratesOf } from "../rates";
import { routeHref } from "../routes";
import { usePoll } from "../use-poll";
import { LiveLine } from "./live-line";
import { QueueAttributesSection } from "./queue-attributes";
import { QueueDeadLetterSection } from "./queue-dead-letter";
import { QueueMaintenanceSection } from "./queue-maintenance";
import { QueueMessagesSection } from "./queue-messages";
import { QueueTraceSection, type TraceRequest } from "./queue-trace";

export const QUEUE_REFRESH_MS = 2000;

export interface QueueState {
  metrics: EdgeQueueMetrics;
  attributes: QueueAttributes;
  rates: { sent: number; received: number };
}

export function QueuePage(props: { client: CmqClient; name: string }) {
  const { client, name } = props;
  const queue = client.queue(name);
  const last = useRef<Reading | undefined>(undefined);
  const polled = usePoll(
    async (signal): Promise<QueueState> => {
      const [metrics, attributes] = await Promise.all([
        queueMetrics(client, name, signal),
        queue.attributes({ signal }),
      ]);
      const reading = { atMs: Date.now(), totals: metrics.totals, history: metrics.history };
      const rates = ratesOf(reading, last.current);
      last.current = reading;
      return { metrics, attributes, rates };
    },
    QUEUE_REFRESH_MS,
    [client, name],
  );
  const state = polled.data;
  const [traceRequest, setTraceRequest] = useState<TraceRequest | undefined>(undefined);
  const onTrace = (msgId: string) => setTraceRequest((r) => ({ msgId, seq: (r?.seq ?? 0) + 1 }));
  return (
    <section>
      <p class="crumbs">
        <a href={routeHref({ page: "queues" })}>Queues</a> /
      </p>
      <div class="page-head">
        <h1>{name}</h1>
        <LiveLine
          updatedAt={polled.updatedAt}
          everyMs={QUEUE_REFRESH_MS}
          onRefresh={polled.refresh}
        />
      </div>
      <ErrorLine error={polled.error} />
      {state && (
        <>
          <Stats state={state} />
          <QueueCharts metrics={state.metrics} />
          <div class="columns">
            <div>
              <QueueMessagesSection queue={queue} onChange={polled.refresh} onTrace={onTrace} />
              <QueueTraceSection
                queue={queue}
                tracing={state.attributes.trace === 1}
                request={traceRequest}
              />
            </div>
            <div>
              <QueueAttributesSection
                queue={queue}
                attributes={state.attributes}
                onChange={polled.refresh}
              />
              <QueueDeadLetterSection
                client={client}
                queue={queue}
                state={state}
                onChange={polled.refresh}
              />
              <QueueMaintenanceSection queue={queue} state={state} onChange={polled.refresh} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Stats(props: { state: QueueState }) {
  const { metrics, rates } = props.state;
  const cards: [string, string][] = [
    ["Active", count(metrics.activeMsgNum)],
    ["In flight", count(metrics.inactiveMsgNum)],
    ["Delayed", count(metrics.delayMsgNum)],
    ["Dead-letter", count(metrics.deadLetterMsgNum)],
    ["Rewindable", count(metrics.rewindMsgNum)],
    ["Waiting receivers", count(metrics.waitingReceiverNum)],
    ["Sent", rate(rates.sent)],
    ["Received", rate(rates.received)],
  ];
  return <StatCards label="Queue depth" cards={cards} />;
}

function QueueCharts(props: { metrics: EdgeQueueMetrics }) {
  const history = props.metrics.history;
  const times = history.map((h) => h.time);
  return (
    <div class="charts">
      <Chart
        title="Depth, last hour"
        times={times}
        series={[{ label: "messages", color: "#2563eb", values: history.map((h) => h.depth) }]}
      />
      <Chart
        title="Per minute, last hour"
        times={times}
        series={[
          { label: "sent", color: "#16a34a", values: history.map((h) => h.sent) },
          { label: "received", color: "#ea580c", values: history.map((h) => h.received) },
          { label: "deleted", color: "#7c3aed", values: history.map((h) => h.deleted) },
        ]}
      />
    </div>
  );
}
