/**
 * Gathers one page of a tenant's queues or topics for GET /metrics, on the catalog's behalf: one
 * call per queue (its shards through the queue client) or topic, at most
 * METRICS_LIMITS.parallelCalls at a time, so a tenant with a thousand queues never has a thousand
 * calls open at once. An object that cannot answer is counted, not fatal: the scrape still serves.
 * @module
 */
import type { ListPage } from "../domain/catalog/catalog-store";
import { METRICS_LIMITS } from "../domain/limits";
import { topicObjectName } from "../domain/object-names";
import type { Outcome } from "../domain/outcome";
import type { MetricsPage } from "../domain/tenant-metrics";
import { QueueClient } from "./queue-client/queue-client";

/** `fn` over `items`, at most `limit` running at once; results in item order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The answer, or undefined when the object failed (a thrown call counts as failed too). */
async function answered<T>(call: () => Promise<Outcome<T>>): Promise<T | undefined> {
  try {
    const outcome = await call();
    return outcome.ok ? outcome.value : undefined;
  } catch {
    return undefined;
  }
}

export async function gatherQueues(env: Env, appId: string, page: ListPage): Promise<MetricsPage> {
  const found = await mapLimited(page.entries, METRICS_LIMITS.parallelCalls, (e) =>
    answered(() => new QueueClient(env, appId, e.name).metrics({ queue: e.name }, false)),
  );
  const queues = found.flatMap((metrics, i) =>
    metrics ? [{ name: page.entries[i]?.name ?? "", metrics }] : [],
  );
  return { total: page.total, queues, topics: [], unreachable: found.length - queues.length };
}

export async function gatherTopics(env: Env, appId: string, page: ListPage): Promise<MetricsPage> {
  const found = await mapLimited(page.entries, METRICS_LIMITS.parallelCalls, (e) =>
    answered(() =>
      env.TOPIC.get(env.TOPIC.idFromName(topicObjectName(appId, e.name))).metrics({
        topic: e.name,
      }),
    ),
  );
  const topics = found.flatMap((m) =>
    m
      ? [
          {
            name: m.view.name,
            msgCount: m.view.msgCount,
            subscriptions: m.subscriptions.map((s) => ({
              name: s.name,
              routedCount: s.routedCount,
              deliveredCount: s.deliveredCount,
              failedCount: s.failedCount,
              droppedCount: s.droppedCount,
              pendingCount: s.pendingCount,
            })),
          },
        ]
      : [],
  );
  return { total: page.total, queues: [], topics, unreachable: found.length - topics.length };
}
