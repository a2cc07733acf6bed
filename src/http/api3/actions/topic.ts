/** Topic actions onto API 2.0's CreateTopic, SetTopicAttributes and DeleteTopic calls. */
import { z } from "zod";
import { API3_LIMITS, TOPIC_LIMITS } from "../../../domain/limits";
import { unwrap } from "../../../domain/outcome";
import type { FilterType } from "../../../domain/topic/filter";
import { type Action, action } from "../../action";
import { catalogObject, topicObject } from "../../tenant";
import { nameOf, optionalBool, optionalInt, optionalTags } from "../api3-params";

const topicName = { TopicName: nameOf("topic") };
const settings = {
  MaxMsgSize: optionalInt("MaxMsgSize", API3_LIMITS.topicMaxMsgSize),
  MsgRetentionSeconds: optionalInt("MsgRetentionSeconds", TOPIC_LIMITS.msgRetentionSeconds),
  Trace: optionalBool("Trace"),
};
const traceFlag = (trace: boolean | undefined) => (trace === undefined ? undefined : trace ? 1 : 0);

const CreateCmqTopic = action(
  z.strictObject({
    ...topicName,
    ...settings,
    FilterType: optionalInt("FilterType", { min: 1, max: 2 }),
    Tags: optionalTags(),
  }),
  async (ctx, input) => {
    const created = await catalogObject(ctx).createTopic(
      ctx.appId,
      {
        name: input.TopicName,
        maxMsgSize: input.MaxMsgSize ?? API3_LIMITS.topicMaxMsgSize.default,
        filterType: (input.FilterType ?? TOPIC_LIMITS.filterType.default) as FilterType,
        msgRetentionSeconds: input.MsgRetentionSeconds,
        trace: traceFlag(input.Trace),
      },
      ctx.stamp,
      input.Tags ?? [],
    );
    return { TopicId: unwrap(created).topicId };
  },
);

const ModifyCmqTopicAttribute = action(
  z.strictObject({ ...topicName, ...settings }),
  async (ctx, input) => {
    const call = { topic: input.TopicName, stamp: ctx.stamp };
    const patch = {
      maxMsgSize: input.MaxMsgSize,
      msgRetentionSeconds: input.MsgRetentionSeconds,
      trace: traceFlag(input.Trace),
    };
    unwrap(await topicObject(ctx, input.TopicName).setAttributes(call, patch));
    return {};
  },
);

const DeleteCmqTopic = action(z.strictObject(topicName), async (ctx, input) => {
  unwrap(await catalogObject(ctx).deleteTopic(ctx.appId, input.TopicName, ctx.stamp));
  return {};
});

export const TOPIC_ACTIONS = {
  CreateCmqTopic,
  ModifyCmqTopicAttribute,
  DeleteCmqTopic,
} satisfies Record<string, Action>;
