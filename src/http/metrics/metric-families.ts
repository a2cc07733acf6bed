/**
 * What GET /metrics serves, family by family: per tenant and queue the depth gauges and the stored
 * totals, per topic its stored messages, per subscription its counts, and per tenant how much the
 * scrape saw. Names follow Prometheus' conventions: `cmq_edge_` namespace, `_total` on counters,
 * labels tenant (the appId), queue, topic, subscription.
 * @module
 */
import { family, type Labels, type MetricFamily } from "../../contract/prometheus-text";
import type { QueueTotals } from "../../domain/queue/metrics";
import type { QueueSample, TopicSample } from "../../domain/tenant-metrics";

/** One tenant's part of a scrape. */
export interface TenantScrape {
  appId: string;
  queues: QueueSample[];
  topics: TopicSample[];
  unreachable: number;
}

type QueueRow = QueueSample & { appId: string };

const QUEUE_GAUGES: [string, string, (q: QueueSample) => number][] = [
  ["active", "Messages a receive can take now.", (q) => q.metrics.view.activeMsgNum],
  [
    "inflight",
    "Messages received and not yet deleted or visible again.",
    (q) => q.metrics.view.inactiveMsgNum,
  ],
  [
    "delayed",
    "Messages sent with a delay that has not passed yet.",
    (q) => q.metrics.view.delayMsgNum,
  ],
  [
    "dead_letter",
    "Messages a source queue dead-lettered into this queue, held here.",
    (q) => q.metrics.deadLetterMsgNum,
  ],
  ["rewindable", "Deleted messages kept for RewindQueue.", (q) => q.metrics.view.rewindMsgNum],
  [
    "transaction",
    "Transaction messages waiting for commit or rollback.",
    (q) => q.metrics.view.transactionMsgNum,
  ],
];

const QUEUE_COUNTERS: [string, keyof QueueTotals, string][] = [
  ["sent", "sent", "Messages stored by sends (a transaction message when committed)."],
  ["received", "received", "Deliveries by receives, a redelivery counted again."],
  ["deleted", "deleted", "Messages acknowledged by a delete."],
  ["dead_lettered", "deadLettered", "Messages moved to the queue's dead-letter queue."],
  ["expired", "expired", "Messages removed by retention before they were deleted."],
  ["redriven", "redriven", "Dead letters handed back to their source queues by a redrive."],
  ["purged", "purged", "Messages removed by ClearCmqQueue."],
];

type SubscriptionRow = TopicSample["subscriptions"][number] & { appId: string; topic: string };

const SUBSCRIPTION_COUNTERS: [string, string, (s: SubscriptionRow) => number][] = [
  [
    "cmq_edge_subscription_messages_routed_total",
    "Messages the subscription's filter let through.",
    (s) => s.routedCount,
  ],
  [
    "cmq_edge_subscription_messages_delivered_total",
    "Messages delivered to the endpoint.",
    (s) => s.deliveredCount,
  ],
  [
    "cmq_edge_subscription_delivery_failures_total",
    "Failed delivery attempts, each retry counted.",
    (s) => s.failedCount,
  ],
  [
    "cmq_edge_subscription_messages_dropped_total",
    "Messages given up after the retries or the topic's lifetime ran out.",
    (s) => s.droppedCount,
  ],
];

export function scrapeFamilies(tenants: readonly TenantScrape[]): MetricFamily[] {
  const queues: QueueRow[] = tenants.flatMap((t) =>
    t.queues.map((q) => ({ ...q, appId: t.appId })),
  );
  const queueLabels = (q: QueueRow): Labels => ({ tenant: q.appId, queue: q.name });
  const topics = tenants.flatMap((t) => t.topics.map((topic) => ({ ...topic, appId: t.appId })));
  const subscriptions: SubscriptionRow[] = topics.flatMap((t) =>
    t.subscriptions.map((s) => ({ ...s, appId: t.appId, topic: t.name })),
  );
  const subLabels = (s: SubscriptionRow): Labels => ({
    tenant: s.appId,
    topic: s.topic,
    subscription: s.name,
  });
  const tenantLabels = (t: TenantScrape): Labels => ({ tenant: t.appId });
  return [
    ...QUEUE_GAUGES.map(([name, help, value]) =>
      family(`cmq_edge_queue_messages_${name}`, "gauge", help, queues, queueLabels, value),
    ),
    family(
      "cmq_edge_queue_waiting_receivers",
      "gauge",
      "Long polls waiting on the queue now.",
      queues,
      queueLabels,
      (q) => q.metrics.view.waitingReceiverNum,
    ),
    ...QUEUE_COUNTERS.map(([name, key, help]) =>
      family(
        `cmq_edge_queue_messages_${name}_total`,
        "counter",
        help,
        queues,
        queueLabels,
        (q) => q.metrics.totals[key],
      ),
    ),
    family(
      "cmq_edge_topic_messages",
      "gauge",
      "Published messages stored until every subscription has them.",
      topics,
      (t) => ({ tenant: t.appId, topic: t.name }),
      (t) => t.msgCount,
    ),
    ...SUBSCRIPTION_COUNTERS.map(([name, help, value]) =>
      family(name, "counter", help, subscriptions, subLabels, value),
    ),
    family(
      "cmq_edge_subscription_messages_pending",
      "gauge",
      "Messages waiting for delivery to the subscription (retries included).",
      subscriptions,
      subLabels,
      (s) => s.pendingCount,
    ),
    family(
      "cmq_edge_tenant_queues",
      "gauge",
      "Queues of the tenant this scrape read.",
      tenants,
      tenantLabels,
      (t) => t.queues.length,
    ),
    family(
      "cmq_edge_tenant_topics",
      "gauge",
      "Topics of the tenant this scrape read.",
      tenants,
      tenantLabels,
      (t) => t.topics.length,
    ),
    family(
      "cmq_edge_scrape_unreachable_objects",
      "gauge",
      "Queues and topics of the tenant that did not answer this scrape (deleted meanwhile, or failing).",
      tenants,
      tenantLabels,
      (t) => t.unreachable,
    ),
  ];
}
