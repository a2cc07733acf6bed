/**
 * UnbindCmqDeadLetter onto API 2.0's UnbindDeadLetterQueue, and DescribeCmqDeadLetterSourceQueues
 * (older SDKs) onto ListDeadLetterSourceQueues.
 * @module
 */
import { z } from "zod";
import { API3_LIMITS } from "../../../domain/limits";
import { unwrap } from "../../../domain/outcome";
import { type Action, action } from "../../action";
import { catalogObject } from "../../tenant";
import { nameOf, optionalInt, optionalText } from "../api3-params";

const UnbindCmqDeadLetter = action(
  z.strictObject({ SourceQueueName: nameOf("queue") }),
  async (ctx, input) => {
    const catalog = catalogObject(ctx);
    unwrap(await catalog.setQueueAttributes(ctx.appId, input.SourceQueueName, {}, null, ctx.stamp));
    return {};
  },
);

const DescribeCmqDeadLetterSourceQueues = action(
  z.strictObject({
    DeadLetterQueueName: nameOf("queue"),
    Limit: optionalInt("Limit", API3_LIMITS.list),
    Offset: optionalInt("Offset", API3_LIMITS.listOffset),
    SourceQueueName: optionalText(),
  }),
  async (ctx, input) => {
    const page = unwrap(
      await catalogObject(ctx).deadLetterSources(input.DeadLetterQueueName, {
        searchWord: input.SourceQueueName,
        offset: input.Offset ?? 0,
        limit: input.Limit || API3_LIMITS.list.default,
      }),
    );
    return {
      TotalCount: page.total,
      QueueSet: page.entries.map((e) => ({ QueueId: e.id, QueueName: e.name })),
    };
  },
);

export const DEAD_LETTER_ACTIONS = {
  UnbindCmqDeadLetter,
  DescribeCmqDeadLetterSourceQueues,
} satisfies Record<string, Action>;
