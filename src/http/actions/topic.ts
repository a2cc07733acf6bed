/** Topic actions (cmq-api-http.md §5.1–5.7): create, delete, list, attributes, publish. */

import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import { LIST_LIMIT, MAX_BATCH, MAX_TOPICS_PER_TENANT, TOPIC_LIMITS } from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import type { FilterType } from "../../domain/topic/filter";
import type { TopicView } from "../../domain/topic/topic-store";
import { type Action, action } from "../action";
import { batchParam, bodyParam, optionalInt, pageQuery, pagingParams } from "../param-schemas";
import { type ActionContext, catalogObject, topicObject } from "../tenant";

const topicName = { topicName: nameParam("topic") };
const maxMsgSize = optionalInt("maxMsgSize", TOPIC_LIMITS.maxMsgSize);

/** Message tags (`msgTag.N`, applied to every message of a batch) and the routing key. */
const routing = {
  msgTag: z.array(z.string()).optional(),
  // PY, CPP and GOTC always send `routingKey=`: empty means none.
  routingKey: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
};

/** The field names every SDK reads (§5.4; CPP also reads LoggingEnabled). */
function topicFields(view: TopicView) {
  return {
    topicName: view.name,
    topicId: view.topicId,
    msgCount: view.msgCount,
    maxMsgSize: view.maxMsgSize,
    msgRetentionSeconds: view.msgRetentionSeconds,
    createTime: unixSeconds(view.createdAt),
    lastModifyTime: unixSeconds(view.modifiedAt),
    filterType: view.filterType,
    LoggingEnabled: 0,
  };
}

async function publish(
  ctx: ActionContext,
  topic: string,
  bodies: string[],
  input: { msgTag?: string[]; routingKey?: string },
) {
  const group = { bodies, tags: input.msgTag ?? [], routingKey: input.routingKey };
  const [result] = unwrap(
    await topicObject(ctx, topic).publish({ topic, stamp: ctx.stamp }, [group]),
  );
  return unwrap(result ?? { ok: false, error: { kind: "internal" } });
}

const CreateTopic = action(
  z.object({
    ...topicName,
    maxMsgSize,
    filterType: optionalInt("filterType", { min: 1, max: 2 }),
  }),
  async (ctx, input) => {
    const filterType = (input.filterType ?? TOPIC_LIMITS.filterType.default) as FilterType;
    const size = input.maxMsgSize ?? TOPIC_LIMITS.maxMsgSize.default;
    const created = await catalogObject(ctx).createTopic(
      ctx.appId,
      { name: input.topicName, maxMsgSize: size, filterType },
      ctx.stamp,
    );
    return { topicId: unwrap(created).topicId };
  },
);

const DeleteTopic = action(z.object(topicName), async (ctx, input) => {
  unwrap(await catalogObject(ctx).deleteTopic(ctx.appId, input.topicName, ctx.stamp));
  return {};
});

const ListTopic = action(
  z.object({
    ...pagingParams({ min: 0, max: MAX_TOPICS_PER_TENANT }, LIST_LIMIT),
  }),
  async (ctx, input) => {
    const page = unwrap(await catalogObject(ctx).list("topic", pageQuery(input), ctx.stamp));
    return {
      totalCount: page.total,
      topicList: page.entries.map((e) => ({ topicId: e.id, topicName: e.name })),
    };
  },
);

// A missing topic answers 4000 here, as the PHPX tests expect (§9 R2).
const GetTopicAttributes = action(z.object(topicName), async (ctx, input) => {
  const call = { topic: input.topicName, stamp: ctx.stamp, missingAsParameterError: true };
  return topicFields(unwrap(await topicObject(ctx, input.topicName).attributes(call)));
});

const SetTopicAttributes = action(z.object({ ...topicName, maxMsgSize }), async (ctx, input) => {
  const call = { topic: input.topicName, stamp: ctx.stamp, missingAsParameterError: true };
  const stub = topicObject(ctx, input.topicName);
  const view = unwrap(
    input.maxMsgSize === undefined
      ? await stub.attributes(call)
      : await stub.setAttributes(call, { maxMsgSize: input.maxMsgSize }),
  );
  return topicFields(view);
});

const PublishMessage = action(
  z.object({ ...topicName, msgBody: bodyParam(), ...routing }),
  async (ctx, input) => {
    const [id] = await publish(ctx, input.topicName, [input.msgBody], input);
    return { msgId: String(id) };
  },
);

const BatchPublishMessage = action(
  z.object({ ...topicName, msgBody: batchParam("msgBody", bodyParam()), ...routing }),
  async (ctx, input) => {
    const ids = await publish(ctx, input.topicName, input.msgBody.slice(0, MAX_BATCH), input);
    return { msgList: ids.map((id) => ({ msgId: id.toString() })) };
  },
);

export const TOPIC_ACTIONS = {
  CreateTopic,
  DeleteTopic,
  ListTopic,
  GetTopicAttributes,
  SetTopicAttributes,
  PublishMessage,
  BatchPublishMessage,
} satisfies Record<string, Action>;
