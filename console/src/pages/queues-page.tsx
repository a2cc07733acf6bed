/**
 * The queues page: every queue's live depth (active, in flight, delayed, dead-letter) and send
 * and receive rates, sortable and searchable, the account's last hour as charts, and creating a
 * queue. Refreshed every few seconds from EdgeListQueueMetrics.
 * @module
 */
import type { CmqClient, EdgeQueueMetrics } from "cmq-edge/client/http";
import { useRef, useState } from "preact/hooks";
import { allQueueMetrics } from "../api";
import { Chart } from "../components/chart";
import { CreateForm } from "../components/create-form";
import { ErrorLine } from "../components/notice";
import { SearchBox, useSearch } from "../components/search-box";
import { type Column, SortableTable } from "../components/sortable-table";
import { Sparkline } from "../components/sparkline";
import { rate } from "../format";
import { type Rates, type Reading, ratesOf, sumHistories } from "../rates";
import { routeHref } from "../routes";
import { usePoll } from "../use-poll";
import { LiveLine } from "./live-line";

export const QUEUES_REFRESH_MS = 3000;

type Row = EdgeQueueMetrics & Rates;

const COLUMNS: Column<Row>[] = [
  {
    key: "name",
    label: "Queue",
    value: (r) => r.queueName,
    render: (r) => <a href={routeHref({ page: "queue", name: r.queueName })}>{r.queueName}</a>,
  },
  { key: "active", label: "Active", value: (r) => r.activeMsgNum, numeric: true },
  { key: "inFlight", label: "In flight", value: (r) => r.inactiveMsgNum, numeric: true },
  { key: "delayed", label: "Delayed", value: (r) => r.delayMsgNum, numeric: true },
  { key: "deadLetter", label: "Dead-letter", value: (r) => r.deadLetterMsgNum, numeric: true },
  { key: "sent", label: "Sent", value: (r) => r.sent, render: (r) => rate(r.sent), numeric: true },
  {
    key: "received",
    label: "Received",
    value: (r) => r.received,
    render: (r) => rate(r.received),
    numeric: true,
  },
  {
    key: "history",
    label: "Depth, last hour",
    value: (r) => r.activeMsgNum + r.inactiveMsgNum + r.delayMsgNum,
    render: (r) => <Sparkline history={r.history} />,
  },
];

export function QueuesPage(props: { client: CmqClient }) {
  const { client } = props;
  const readings = useRef(new Map<string, Reading>());
  const polled = usePoll(
    async (signal) => {
      const queues = await allQueueMetrics(client, signal);
      const atMs = Date.now();
      return queues.map((q): Row => {
        const reading = { atMs, totals: q.totals, history: q.history };
        const rates = ratesOf(reading, readings.current.get(q.queueId));
        readings.current.set(q.queueId, reading);
        return { ...q, ...rates };
      });
    },
    QUEUES_REFRESH_MS,
    [client],
  );
  const rows = polled.data ?? [];
  const search = useSearch(polled.data, (r) => r.queueName);
  const hour = sumHistories(rows.map((r) => r.history));
  const times = hour.map((h) => h.time);
  return (
    <section>
      <div class="page-head">
        <h1>Queues</h1>
        <LiveLine
          updatedAt={polled.updatedAt}
          everyMs={QUEUES_REFRESH_MS}
          onRefresh={polled.refresh}
        />
      </div>
      <ErrorLine error={polled.error} />
      <div class="charts">
        <Chart
          title="Messages in all queues, last hour"
          times={times}
          series={[{ label: "depth", color: "#2563eb", values: hour.map((h) => h.depth) }]}
        />
        <Chart
          title="Sent and received per minute, all queues"
          times={times}
          series={[
            { label: "sent", color: "#16a34a", values: hour.map((h) => h.sent) },
            { label: "received", color: "#ea580c", values: hour.map((h) => h.received) },
          ]}
        />
      </div>
      <div class="toolbar">
        <SearchBox what="queues" search={search} total={polled.data?.length} />
        <CreateQueue client={client} onCreated={polled.refresh} />
      </div>
      <SortableTable
        label="Queues"
        rows={search.shown}
        columns={COLUMNS}
        rowKey={(r) => r.queueId}
        initialSort="name"
        empty={
          polled.data
            ? search.word
              ? "No queue matches."
              : "No queues yet: create one."
            : "Loading…"
        }
      />
    </section>
  );
}

function CreateQueue(props: { client: CmqClient; onCreated(): void }) {
  const [trace, setTrace] = useState(true);
  return (
    <CreateForm
      kind="queue"
      create={(name) => props.client.createQueue(name, { trace: trace ? 1 : 0 })}
      onCreated={props.onCreated}
    >
      <label class="check">
        <input
          type="checkbox"
          checked={trace}
          onChange={(e) => setTrace(e.currentTarget.checked)}
        />
        trace
      </label>
    </CreateForm>
  );
}
