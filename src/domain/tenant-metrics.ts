/**
 * What GET /metrics gathers of a tenant, page by page through its catalog
 * (src/objects/metrics-gathering.ts): each queue's metrics, each topic's stored messages and
 * subscription counts, and how many objects did not answer.
 * @module
 */
import type { QueueMetrics } from "./queue/metrics";
import type { Subscription } from "./topic/subscriptions";

export interface QueueSample {
  name: string;
  metrics: QueueMetrics;
}

export interface TopicSample {
  name: string;
  /** Published messages stored until every subscription has them. */
  msgCount: number;
  subscriptions: Pick<
    Subscription,
    "name" | "routedCount" | "deliveredCount" | "failedCount" | "droppedCount" | "pendingCount"
  >[];
}

export interface MetricsPage {
  /** Names of this kind in the catalog: the caller pages on until it has them all. */
  total: number;
  queues: QueueSample[];
  topics: TopicSample[];
  /** Objects that failed to answer (deleted meanwhile, or unreachable). */
  unreachable: number;
}
