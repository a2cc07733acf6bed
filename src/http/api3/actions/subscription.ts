/**
 * Subscription actions onto API 2.0's Subscribe, SetSubscriptionAttributes, Unsubscribe and
 * ClearSubscriptionFilterTags calls. DescribeCmqSubscriptionDetail lists a topic's subscriptions
 * or, with QueryType=queue, those that push into a queue: the catalog's index names them, each
 * topic named confirms (src/domain/catalog/queue-subscriptions.ts).
 * @module
 */
import { z } from "zod";
import { fail } from "../../../domain/errors";
import { API3_LIMITS, SUBSCRIPTION_LIMITS } from "../../../domain/limits";
import { nameKey } from "../../../domain/object-names";
import { unwrap } from "../../../domain/outcome";
import type { Subscription } from "../../../domain/topic/subscriptions";
import { type Action, action } from "../../action";
import { settingsPatch, subscribeChecked } from "../../actions/subscription";
import { type ActionContext, catalogObject, topicObject } from "../../tenant";
import { cmqSubscription } from "../api3-fields";
import { nameOf, optionalInt, optionalList, optionalText, text } from "../api3-params";

const names = { TopicName: nameOf("topic"), SubscriptionName: nameOf("subscription") };
const tags = (name: string) => optionalList(name, SUBSCRIPTION_LIMITS.tags);
const keys = optionalList("BindingKey", SUBSCRIPTION_LIMITS.bindingKeys);

function patchOf(input: {
  NotifyStrategy?: string;
  NotifyContentFormat?: string;
  filterTags?: string[];
  BindingKey?: string[];
}) {
  return settingsPatch({
    notifyStrategy: input.NotifyStrategy,
    notifyContentFormat: input.NotifyContentFormat,
    filterTag: input.filterTags,
    bindingKey: input.BindingKey,
  });
}

const CreateCmqSubscribe = action(
  z.strictObject({
    ...names,
    Protocol: text(),
    Endpoint: text(),
    NotifyStrategy: optionalText(),
    FilterTag: tags("FilterTag"),
    BindingKey: keys,
    NotifyContentFormat: optionalText(),
  }),
  async (ctx, input) => {
    const subscription = await subscribeChecked(ctx, {
      topic: input.TopicName,
      name: input.SubscriptionName,
      protocol: input.Protocol,
      endpoint: input.Endpoint,
      settings: patchOf({ ...input, filterTags: input.FilterTag }),
    });
    return { SubscriptionId: subscription.subscriptionId };
  },
);

const ModifyCmqSubscriptionAttribute = action(
  z.strictObject({
    ...names,
    NotifyStrategy: optionalText(),
    NotifyContentFormat: optionalText(),
    FilterTags: tags("FilterTags"),
    BindingKey: keys,
  }),
  async (ctx, input) => {
    const call = { topic: input.TopicName, stamp: ctx.stamp };
    const patch = patchOf({ ...input, filterTags: input.FilterTags });
    unwrap(
      await topicObject(ctx, input.TopicName).setSubscription(call, input.SubscriptionName, patch),
    );
    return {};
  },
);

const DeleteCmqSubscribe = action(z.strictObject(names), async (ctx, input) => {
  const catalog = catalogObject(ctx);
  unwrap(await catalog.unsubscribe(ctx.appId, input.TopicName, input.SubscriptionName, ctx.stamp));
  return {};
});

const ClearCmqSubscriptionFilterTags = action(z.strictObject(names), async (ctx, input) => {
  const call = { topic: input.TopicName, stamp: ctx.stamp };
  const stub = topicObject(ctx, input.TopicName);
  unwrap(await stub.setSubscription(call, input.SubscriptionName, { filterTags: [] }));
  return {};
});

interface DetailQuery {
  searchWord?: string;
  offset: number;
  limit: number;
}

/**
 * An exact (case-insensitive) name first: Terraform reads the first of a fuzzy search for the
 * name it manages.
 */
function exactFirst(items: Subscription[], word: string | undefined): Subscription[] {
  if (!word) return items;
  const exact = (s: Subscription) => nameKey(s.name) === nameKey(word);
  return [...items.filter(exact), ...items.filter((s) => !exact(s))];
}

async function ofTopic(ctx: ActionContext, topic: string, query: DetailQuery) {
  const page = unwrap(await topicObject(ctx, topic).listSubscriptions({ topic }, query));
  return {
    TotalCount: page.total,
    SubscriptionSet: exactFirst(page.subscriptions, query.searchWord).map((s) =>
      cmqSubscription(ctx.appId, topic, s),
    ),
  };
}

async function ofQueue(ctx: ActionContext, queue: string, query: DetailQuery) {
  const page = unwrap(await catalogObject(ctx).queueSubscriptions(queue, query));
  const found = await Promise.all(
    page.entries.map(async (e) => {
      const s = await topicObject(ctx, e.topic).subscription({ topic: e.topic }, e.subscription);
      // The index may name a subscription its topic has since dropped or repointed.
      const current =
        s.ok && s.value.protocol === "queue" && nameKey(s.value.endpoint) === nameKey(queue);
      return current ? [cmqSubscription(ctx.appId, e.topic, s.value)] : [];
    }),
  );
  return { TotalCount: page.total, SubscriptionSet: found.flat() };
}

const DescribeCmqSubscriptionDetail = action(
  z.strictObject({
    TopicName: z.preprocess(
      (v) => (v === null || v === "" ? undefined : v),
      nameOf("topic").optional(),
    ),
    Offset: optionalInt("Offset", API3_LIMITS.listOffset),
    Limit: optionalInt("Limit", API3_LIMITS.list),
    SubscriptionName: optionalText(),
    QueueName: z.preprocess(
      (v) => (v === null || v === "" ? undefined : v),
      nameOf("queue").optional(),
    ),
    QueryType: optionalText(),
  }),
  async (ctx, input) => {
    const query = {
      searchWord: input.SubscriptionName,
      offset: input.Offset ?? 0,
      limit: input.Limit || API3_LIMITS.list.default,
    };
    const type = (input.QueryType || "topic").toLowerCase();
    if (type === "queue") {
      const queue = input.QueueName ?? fail({ kind: "missingParameter", name: "QueueName" });
      return ofQueue(ctx, queue, query);
    }
    if (type !== "topic") {
      fail({ kind: "parameterOutOfRange", name: "QueryType", detail: "use topic or queue" });
    }
    const topic = input.TopicName ?? fail({ kind: "missingParameter", name: "TopicName" });
    return ofTopic(ctx, topic, query);
  },
);

export const SUBSCRIPTION_ACTIONS = {
  CreateCmqSubscribe,
  DescribeCmqSubscriptionDetail,
  ModifyCmqSubscriptionAttribute,
  DeleteCmqSubscribe,
  ClearCmqSubscriptionFilterTags,
} satisfies Record<string, Action>;
