/**
 * One topic: its attributes, publishing (with tags or a routing key), and its subscriptions with
 * their filters, endpoints and delivery counters — pending, delivered, dropped, and the last
 * delivery error — refreshed live; subscribe and unsubscribe.
 * @module
 */
import type {
  CmqClient,
  SubscriptionAttributes,
  Topic,
  TopicAttributes,
} from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { subscriptionsOf } from "../api";
import { ErrorLine, Outcome } from "../components/notice";
import { type Column, SortableTable } from "../components/sortable-table";
import { StatCards } from "../components/stat-cards";
import { count, duration, time } from "../format";
import { routeHref } from "../routes";
import { useAction } from "../use-action";
import { usePoll } from "../use-poll";
import { LiveLine } from "./live-line";
import { SubscribeForm } from "./subscribe-form";

const REFRESH_MS = 2000;

export function TopicPage(props: { client: CmqClient; name: string }) {
  const topic = props.client.topic(props.name);
  const polled = usePoll(
    async (signal) => {
      const [attributes, subscriptions] = await Promise.all([
        topic.attributes({ signal }),
        subscriptionsOf(props.client, props.name, signal),
      ]);
      return { attributes, subscriptions };
    },
    REFRESH_MS,
    [props.client, props.name],
  );
  const data = polled.data;
  return (
    <section>
      <p class="crumbs">
        <a href={routeHref({ page: "topics" })}>Topics</a> /
      </p>
      <div class="page-head">
        <h1>{props.name}</h1>
        <LiveLine updatedAt={polled.updatedAt} everyMs={REFRESH_MS} onRefresh={polled.refresh} />
      </div>
      <ErrorLine error={polled.error} />
      {data && (
        <>
          <Attributes attributes={data.attributes} />
          <Publish
            topic={topic}
            filterType={data.attributes.filterType}
            onChange={polled.refresh}
          />
          <section class="panel" aria-label="Subscriptions">
            <h2>Subscriptions</h2>
            <SortableTable
              label="Subscriptions"
              rows={data.subscriptions}
              columns={subscriptionColumns(topic, polled.refresh)}
              rowKey={(s) => s.subscriptionId}
              initialSort="name"
              empty="No subscriptions: messages published now are kept for none."
            />
            <SubscribeForm
              topic={topic}
              filterType={data.attributes.filterType}
              onChange={polled.refresh}
            />
          </section>
        </>
      )}
    </section>
  );
}

function Attributes(props: { attributes: TopicAttributes }) {
  const a = props.attributes;
  const cards: [string, string][] = [
    ["Filter", a.filterType === 2 ? "routing key" : "tags"],
    ["Messages held", count(a.msgCount)],
    ["Max size", `${count(a.maxMsgSize)} bytes`],
    ["Retention", duration(a.msgRetentionSeconds)],
    ["Created", time(a.createTime)],
  ];
  return <StatCards label="Topic" cards={cards} />;
}

function subscriptionColumns(topic: Topic, onChange: () => void): Column<SubscriptionAttributes>[] {
  return [
    { key: "name", label: "Subscription", value: (s) => s.subscriptionName },
    {
      key: "endpoint",
      label: "Endpoint",
      value: (s) => `${s.protocol} ${s.endpoint}`,
      render: endpoint,
    },
    {
      key: "filter",
      label: "Filter",
      value: (s) => [...s.filterTag, ...s.bindingKey].join(", "),
      render: (s) => filter(s) || <span class="hint">everything</span>,
    },
    { key: "pending", label: "Pending", value: (s) => s.pendingMsgNum, numeric: true },
    { key: "delivered", label: "Delivered", value: (s) => s.deliveredMsgNum, numeric: true },
    { key: "dropped", label: "Dropped", value: (s) => s.droppedMsgNum, numeric: true },
    {
      key: "error",
      label: "Last delivery error",
      value: (s) => s.lastDeliveryErrorTime,
      render: (s) =>
        s.lastDeliveryError ? (
          <span class="delivery-error">
            {s.lastDeliveryError} <time>{time(s.lastDeliveryErrorTime)}</time>
          </span>
        ) : (
          <span class="hint">none</span>
        ),
    },
    {
      key: "remove",
      label: "",
      value: () => "",
      render: (s) => <Unsubscribe topic={topic} name={s.subscriptionName} onChange={onChange} />,
    },
  ];
}

function endpoint(s: SubscriptionAttributes) {
  if (s.protocol === "queue") {
    return (
      <>
        queue <a href={routeHref({ page: "queue", name: s.endpoint })}>{s.endpoint}</a>
      </>
    );
  }
  return (
    <>
      http <code>{s.endpoint}</code> <span class="hint">{s.notifyContentFormat}</span>
    </>
  );
}

function filter(s: SubscriptionAttributes): string {
  if (s.filterTag.length > 0) return `tags ${s.filterTag.join(", ")}`;
  if (s.bindingKey.length > 0) return `keys ${s.bindingKey.join(", ")}`;
  return "";
}

function Unsubscribe(props: { topic: Topic; name: string; onChange(): void }) {
  const action = useAction();
  const remove = () =>
    action.run(async () => {
      await props.topic.subscription(props.name).remove();
      props.onChange();
      return undefined;
    });
  return (
    <>
      <button type="button" class="link" onClick={remove} disabled={action.busy}>
        Unsubscribe
      </button>
      <Outcome outcome={action.outcome} />
    </>
  );
}

function Publish(props: { topic: Topic; filterType: 1 | 2; onChange(): void }) {
  const [body, setBody] = useState("");
  const [filter, setFilter] = useState("");
  const action = useAction();
  const submit = action.onSubmit(async () => {
    const words = filter.trim();
    const options =
      props.filterType === 2
        ? { routingKey: words || undefined }
        : { tags: words ? words.split(",").map((t) => t.trim()) : [] };
    const id = await props.topic.publish(body, options);
    setBody("");
    props.onChange();
    return `Published message ${id}.`;
  });
  return (
    <section class="panel" aria-label="Publish">
      <h2>Publish</h2>
      <form onSubmit={submit} aria-label="Publish a message">
        <textarea
          aria-label="Message body"
          placeholder="message body"
          rows={2}
          required
          value={body}
          onInput={(e) => setBody(e.currentTarget.value)}
        />
        <div class="row">
          <input
            aria-label={props.filterType === 2 ? "Routing key" : "Tags"}
            placeholder={
              props.filterType === 2 ? "routing key, e.g. order.eu.paid" : "tags, comma-separated"
            }
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
          <button type="submit" disabled={action.busy}>
            Publish
          </button>
        </div>
        <Outcome outcome={action.outcome} />
      </form>
    </section>
  );
}
