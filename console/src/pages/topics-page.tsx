/** The topics page: every topic with its filter type, stored messages and subscriptions; create one. */
import type { CmqClient } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { allTopics, type TopicRow } from "../api";
import { CreateForm } from "../components/create-form";
import { ErrorLine } from "../components/notice";
import { SearchBox, useSearch } from "../components/search-box";
import { type Column, SortableTable } from "../components/sortable-table";
import { time } from "../format";
import { routeHref } from "../routes";
import { usePoll } from "../use-poll";
import { LiveLine } from "./live-line";

const REFRESH_MS = 5000;

const COLUMNS: Column<TopicRow>[] = [
  {
    key: "name",
    label: "Topic",
    value: (t) => t.topicName,
    render: (t) => <a href={routeHref({ page: "topic", name: t.topicName })}>{t.topicName}</a>,
  },
  { key: "filter", label: "Filter", value: (t) => (t.filterType === 2 ? "routing key" : "tags") },
  { key: "messages", label: "Messages", value: (t) => t.msgCount, numeric: true },
  {
    key: "subscriptions",
    label: "Subscriptions",
    value: (t) => t.subscriptionCount,
    numeric: true,
  },
  {
    key: "created",
    label: "Created",
    value: (t) => t.createTime,
    render: (t) => time(t.createTime),
  },
];

export function TopicsPage(props: { client: CmqClient }) {
  const polled = usePoll((signal) => allTopics(props.client, signal), REFRESH_MS, [props.client]);
  const search = useSearch(polled.data, (t) => t.topicName);
  return (
    <section>
      <div class="page-head">
        <h1>Topics</h1>
        <LiveLine updatedAt={polled.updatedAt} everyMs={REFRESH_MS} onRefresh={polled.refresh} />
      </div>
      <ErrorLine error={polled.error} />
      <div class="toolbar">
        <SearchBox what="topics" search={search} total={polled.data?.length} />
        <CreateTopic client={props.client} onCreated={polled.refresh} />
      </div>
      <SortableTable
        label="Topics"
        rows={search.shown}
        columns={COLUMNS}
        rowKey={(t) => t.topicId}
        initialSort="name"
        empty={polled.data ? "No topics yet: create one." : "Loading…"}
      />
    </section>
  );
}

function CreateTopic(props: { client: CmqClient; onCreated(): void }) {
  const [filterType, setFilterType] = useState<1 | 2>(1);
  return (
    <CreateForm
      kind="topic"
      create={(name) => props.client.createTopic(name, { filterType })}
      onCreated={props.onCreated}
    >
      <select
        aria-label="Filter type"
        value={String(filterType)}
        onChange={(e) => setFilterType(e.currentTarget.value === "2" ? 2 : 1)}
      >
        <option value="1">filter by tags</option>
        <option value="2">filter by routing key</option>
      </select>
    </CreateForm>
  );
}
