/** Subscription actions (cmq-api-http.md §5.8–5.12). */

import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import { fail } from "../../domain/errors";
import { SUBSCRIPTION_LIST_LIMIT, SUBSCRIPTION_LIST_OFFSET } from "../../domain/limits";
import { newObjectId } from "../../domain/object-names";
import { unwrap } from "../../domain/outcome";
import {
  parseContentFormat,
  parseNotifyStrategy,
  parseProtocol,
} from "../../domain/topic/subscription-rules";
import type { Subscription } from "../../domain/topic/subscriptions";
import { type Action, action } from "../action";
import { isOwnAddress } from "../own-address";
import { pageQuery, pagingParams } from "../param-schemas";
import { type ActionContext, catalogObject, queueObject, topicObject } from "../tenant";

const names = { topicName: nameParam("topic"), subscriptionName: nameParam("subscription") };

/** Strategy, format, filter tags and binding keys; `bindindKey.N` is the PHP SDK's spelling (§9 R7). */
const settings = {
  notifyStrategy: z.string().optional(),
  notifyContentFormat: z.string().optional(),
  filterTag: z.array(z.string()).optional(),
  bindingKey: z.array(z.string()).optional(),
  bindindKey: z.array(z.string()).optional(),
};

export function settingsPatch(input: {
  notifyStrategy?: string;
  notifyContentFormat?: string;
  filterTag?: string[];
  bindingKey?: string[];
  bindindKey?: string[];
}) {
  return {
    ...(input.notifyStrategy ? { notifyStrategy: parseNotifyStrategy(input.notifyStrategy) } : {}),
    ...(input.notifyContentFormat
      ? { contentFormat: parseContentFormat(input.notifyContentFormat) }
      : {}),
    ...(input.filterTag ? { filterTags: input.filterTag } : {}),
    ...((input.bindingKey ?? input.bindindKey)
      ? { bindingKeys: input.bindingKey ?? input.bindindKey }
      : {}),
  };
}

/** Every spelling SDKs read: `protocal` (PY, CPP) and `filterTags` (PY) too (§5.11, §9 R7). */
function subscriptionFields(appId: string, s: Subscription) {
  return {
    topicOwner: appId,
    subscriptionName: s.name,
    subscriptionId: s.subscriptionId,
    msgCount: s.routedCount,
    protocol: s.protocol,
    protocal: s.protocol,
    endpoint: s.endpoint,
    notifyStrategy: s.notifyStrategy,
    notifyContentFormat: s.contentFormat,
    createTime: unixSeconds(s.createdAt),
    lastModifyTime: unixSeconds(s.modifiedAt),
    bindingKey: s.bindingKeys,
    filterTag: s.filterTags,
    filterTags: s.filterTags,
    // cmq-edge's own delivery counters.
    pendingMsgNum: s.pendingCount,
    deliveredMsgNum: s.deliveredCount,
    droppedMsgNum: s.droppedCount,
    lastDeliveryError: s.lastError ?? "",
    // Unix seconds, like createTime; 0 while there is no error.
    lastDeliveryErrorTime: s.lastErrorAt === null ? 0 : unixSeconds(s.lastErrorAt),
  };
}

/** A new subscription as either API states it. */
export interface SubscribeRequest {
  topic: string;
  name: string;
  protocol: string;
  endpoint: string;
  settings: ReturnType<typeof settingsPatch>;
}

/**
 * Subscribes, refusing a queue endpoint that does not exist and an HTTP endpoint that is
 * cmq-edge itself; API 2.0's Subscribe and API 3.0's CreateCmqSubscribe both come here.
 */
export async function subscribeChecked(ctx: ActionContext, request: SubscribeRequest) {
  const protocol = parseProtocol(request.protocol);
  if (protocol === "queue" && !(await queueObject(ctx, request.endpoint).exists())) {
    fail({ kind: "invalidEndpoint", reason: `queue ${request.endpoint} does not exist` });
  }
  // Pushes to cmq-edge itself would loop (or hammer its own API): subscribe a queue instead.
  if (protocol === "http" && isOwnAddress(request.endpoint, ctx)) {
    fail({
      kind: "invalidEndpoint",
      reason: "the endpoint is cmq-edge itself; subscribe a queue instead",
    });
  }
  // Through the catalog, which indexes the subscriptions that push into each queue.
  return unwrap(
    await catalogObject(ctx).subscribe(
      ctx.appId,
      request.topic,
      {
        name: request.name,
        subscriptionId: newObjectId("subscription"),
        protocol,
        endpoint: request.endpoint,
        ...request.settings,
      },
      ctx.stamp,
    ),
  );
}

const Subscribe = action(
  z.object({ ...names, protocol: z.string(), endpoint: z.string(), ...settings }),
  async (ctx, input) => {
    const subscription = await subscribeChecked(ctx, {
      topic: input.topicName,
      name: input.subscriptionName,
      protocol: input.protocol,
      endpoint: input.endpoint,
      settings: settingsPatch(input),
    });
    return { subscriptionId: subscription.subscriptionId };
  },
);

const Unsubscribe = action(z.object(names), async (ctx, input) => {
  unwrap(
    await catalogObject(ctx).unsubscribe(
      ctx.appId,
      input.topicName,
      input.subscriptionName,
      ctx.stamp,
    ),
  );
  return {};
});

const ListSubscriptionByTopic = action(
  z.object({
    topicName: nameParam("topic"),
    ...pagingParams(SUBSCRIPTION_LIST_OFFSET, SUBSCRIPTION_LIST_LIMIT),
  }),
  async (ctx, input) => {
    const page = await topicObject(ctx, input.topicName).listSubscriptions(
      { topic: input.topicName },
      pageQuery(input),
    );
    // A deleted topic lists as empty, as the Java SDK's tests expect (§9 R6).
    if (!page.ok && page.error.kind === "topicNotFound")
      return { totalCount: 0, subscriptionList: [] };
    const { total, subscriptions } = unwrap(page);
    return {
      totalCount: total,
      subscriptionList: subscriptions.map((s) => ({
        subscriptionId: s.subscriptionId,
        subscriptionName: s.name,
        protocol: s.protocol,
        endpoint: s.endpoint,
      })),
    };
  },
);

// Missing topics and subscriptions answer 4000 in these three, as the PHPX tests expect (§9 R2).
const GetSubscriptionAttributes = action(z.object(names), async (ctx, input) => {
  const call = { topic: input.topicName, missingAsParameterError: true };
  const s = unwrap(
    await topicObject(ctx, input.topicName).subscription(call, input.subscriptionName),
  );
  return subscriptionFields(ctx.appId, s);
});

const SetSubscriptionAttributes = action(
  z.object({ ...names, ...settings }),
  async (ctx, input) => {
    const call = { topic: input.topicName, stamp: ctx.stamp, missingAsParameterError: true };
    const stub = topicObject(ctx, input.topicName);
    unwrap(await stub.setSubscription(call, input.subscriptionName, settingsPatch(input)));
    return {};
  },
);

const ClearSubscriptionFilterTags = action(z.object(names), async (ctx, input) => {
  const call = { topic: input.topicName, stamp: ctx.stamp, missingAsParameterError: true };
  unwrap(
    await topicObject(ctx, input.topicName).setSubscription(call, input.subscriptionName, {
      filterTags: [],
    }),
  );
  return {};
});

export const SUBSCRIPTION_ACTIONS = {
  Subscribe,
  Unsubscribe,
  ListSubscriptionByTopic,
  GetSubscriptionAttributes,
  SetSubscriptionAttributes,
  ClearSubscriptionFilterTags,
} satisfies Record<string, Action>;
