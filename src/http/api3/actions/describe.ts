/**
 * DescribeCmqQueues / DescribeCmqQueueDetail and DescribeCmqTopics / DescribeCmqTopicDetail: the
 * catalog pages the names (fuzzy name, name lists, tag filters, Offset, Limit ≤ 50) with their
 * tags, then each object on the page answers its attributes, as ListQueue + GetQueueAttributes.
 * @module
 */
import { z } from "zod";
import type { EntryKind, FilteredQuery, TaggedEntry } from "../../../domain/catalog/catalog-store";
import { API3_LIMITS, TAG_LIMITS } from "../../../domain/limits";
import { type Outcome, unwrap } from "../../../domain/outcome";
import { type Action, action } from "../../action";
import { catalogObject, queueObject, type Tenant, topicObject } from "../../tenant";
import { cmqQueue, cmqTopic } from "../api3-fields";
import {
  nameOf,
  optionalBool,
  optionalInt,
  optionalList,
  optionalTagFilters,
  optionalText,
} from "../api3-params";

const paging = {
  Offset: optionalInt("Offset", API3_LIMITS.listOffset),
  Limit: optionalInt("Limit", API3_LIMITS.list),
  IsTagFilter: optionalBool("IsTagFilter"),
  Filters: optionalTagFilters(TAG_LIMITS.filters, API3_LIMITS.listItems),
};

function query(
  input: { Offset?: number; Limit?: number; Filters?: { key: string; values: string[] }[] },
  searchWord: string | undefined,
  names: string[] | undefined,
): FilteredQuery {
  return {
    searchWord,
    names,
    tags: input.Filters,
    offset: input.Offset ?? 0,
    // Limit 0 is a zero value like the others: the default page.
    limit: input.Limit || API3_LIMITS.list.default,
  };
}

/** One page of the catalog, each entry with its object's answer; one deleted meanwhile drops out. */
async function describePage<T>(
  ctx: Tenant,
  kind: EntryKind,
  filtered: FilteredQuery,
  describe: (entry: TaggedEntry) => Promise<Outcome<T>>,
): Promise<{ total: number; items: T[] }> {
  const page = unwrap(await catalogObject(ctx).listTagged(kind, filtered));
  const answers = await Promise.all(page.entries.map(describe));
  const items: T[] = [];
  for (const answer of answers) {
    if (answer.ok) items.push(answer.value);
    else if (answer.error.kind !== "queueNotFound" && answer.error.kind !== "topicNotFound") {
      unwrap(answer);
    }
  }
  return { total: page.total, items };
}

async function queueItem(ctx: Tenant, entry: TaggedEntry) {
  const view = await queueObject(ctx, entry.name).attributes({ queue: entry.name });
  return view.ok ? { ok: true as const, value: cmqQueue(ctx.appId, view.value, entry) } : view;
}

async function topicItem(ctx: Tenant, entry: TaggedEntry) {
  const view = await topicObject(ctx, entry.name).attributes({ topic: entry.name });
  return view.ok ? { ok: true as const, value: cmqTopic(ctx.appId, view.value, entry) } : view;
}

const DescribeCmqQueues = action(
  z.strictObject({
    ...paging,
    QueueName: optionalText(),
    QueueNameList: optionalList("QueueNameList", API3_LIMITS.listItems),
  }),
  async (ctx, input) => {
    const filtered = query(input, input.QueueName, input.QueueNameList);
    const page = await describePage(ctx, "queue", filtered, (e) => queueItem(ctx, e));
    return { TotalCount: page.total, QueueList: page.items };
  },
);

const DescribeCmqTopics = action(
  z.strictObject({
    ...paging,
    TopicName: optionalText(),
    TopicNameList: optionalList("TopicNameList", API3_LIMITS.listItems),
  }),
  async (ctx, input) => {
    const filtered = query(input, input.TopicName, input.TopicNameList);
    const page = await describePage(ctx, "topic", filtered, (e) => topicItem(ctx, e));
    return { TopicList: page.items, TotalCount: page.total };
  },
);

/** The catalog entry of one name (its tags, dead-letter sources), beside the object's answer. */
async function entryOf(
  ctx: Tenant,
  kind: EntryKind,
  name: string,
): Promise<TaggedEntry | undefined> {
  const page = await catalogObject(ctx).listTagged(kind, { names: [name], offset: 0, limit: 1 });
  return page.ok ? page.value.entries[0] : undefined;
}

const DescribeCmqQueueDetail = action(
  z.strictObject({ QueueName: nameOf("queue") }),
  async (ctx, input) => {
    const [view, entry] = await Promise.all([
      queueObject(ctx, input.QueueName).attributes({ queue: input.QueueName }),
      entryOf(ctx, "queue", input.QueueName),
    ]);
    return { QueueDescribe: cmqQueue(ctx.appId, unwrap(view), entry) };
  },
);

/** TopicName is optional in the SDK's model but names the topic described: required here. */
const DescribeCmqTopicDetail = action(
  z.strictObject({ TopicName: nameOf("topic") }),
  async (ctx, input) => {
    const [view, entry] = await Promise.all([
      topicObject(ctx, input.TopicName).attributes({ topic: input.TopicName }),
      entryOf(ctx, "topic", input.TopicName),
    ]);
    return { TopicDescribe: cmqTopic(ctx.appId, unwrap(view), entry) };
  },
);

export const DESCRIBE_ACTIONS = {
  DescribeCmqQueues,
  DescribeCmqQueueDetail,
  DescribeCmqTopics,
  DescribeCmqTopicDetail,
} satisfies Record<string, Action>;
