/**
 * What the console reads beyond the client's handles: cmq-edge's metrics actions (every page of
 * EdgeListQueueMetrics, EdgeGetQueueMetrics) and lists with each entry's attributes, all over the
 * same signed API. Errors come back as one line with CMQ's code.
 * @module
 */
import {
  CmqApi3Error,
  type CmqClient,
  CmqError,
  CmqHttpError,
  type EdgeQueueMetrics,
  type SubscriptionAttributes,
  type TopicAttributes,
} from "cmq-edge/client/http";

/** ListQueue's largest page. */
const PAGE = 50;

/** Every queue of the account with its metrics, page by page. */
export async function allQueueMetrics(client: CmqClient, signal?: AbortSignal) {
  const queues: EdgeQueueMetrics[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const reply = await ok(client, "EdgeListQueueMetrics", { offset, limit: PAGE }, signal);
    queues.push(...(reply.queueList as EdgeQueueMetrics[]));
    if (reply.queueList.length < PAGE || offset + PAGE >= reply.totalCount) return queues;
  }
}

export async function queueMetrics(client: CmqClient, queueName: string, signal?: AbortSignal) {
  const reply: unknown = await ok(client, "EdgeGetQueueMetrics", { queueName }, signal);
  return reply as EdgeQueueMetrics;
}

export interface TopicRow extends TopicAttributes {
  subscriptionCount: number;
}

/** Every topic with its attributes and how many subscriptions it has. */
export async function allTopics(client: CmqClient, signal?: AbortSignal): Promise<TopicRow[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.listTopics({ offset, limit: PAGE, signal });
    names.push(...page.topics.map((t) => t.name));
    if (page.topics.length < PAGE || names.length >= page.totalCount) break;
  }
  return Promise.all(
    names.map(async (name) => {
      const topic = client.topic(name);
      const [attributes, subscriptions] = await Promise.all([
        topic.attributes({ signal }),
        topic.subscriptions({ limit: 1, signal }),
      ]);
      return { ...attributes, subscriptionCount: subscriptions.totalCount };
    }),
  );
}

/** ListSubscriptionByTopic's largest page. */
const SUBSCRIPTION_PAGE = 100;

/** A topic's subscriptions with their attributes: filters, endpoint and delivery counters. */
export async function subscriptionsOf(
  client: CmqClient,
  topicName: string,
  signal?: AbortSignal,
): Promise<SubscriptionAttributes[]> {
  const topic = client.topic(topicName);
  const names: string[] = [];
  for (let offset = 0; ; offset += SUBSCRIPTION_PAGE) {
    const page = await topic.subscriptions({ offset, limit: SUBSCRIPTION_PAGE, signal });
    names.push(...page.subscriptions.map((s) => s.subscriptionName));
    if (page.subscriptions.length < SUBSCRIPTION_PAGE || names.length >= page.totalCount) break;
  }
  return Promise.all(names.map((name) => topic.subscription(name).attributes({ signal })));
}

async function ok(
  client: CmqClient,
  action: string,
  params: Record<string, string | number>,
  signal?: AbortSignal,
) {
  const reply = await client.call(action, params, { signal });
  if (reply.code !== 0) throw new CmqHttpError(action, reply);
  return reply;
}

/** An error as one line: CMQ's code and message when CMQ refused, else what went wrong. */
export function describeError(error: unknown): string {
  if (error instanceof CmqError) return `${error.action}: ${error.code} ${error.cmqMessage}`;
  if (error instanceof CmqApi3Error) return `${error.action}: ${error.code} ${error.cmqMessage}`;
  return error instanceof Error ? error.message : String(error);
}
