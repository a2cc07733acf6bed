/**
 * Dead-letter actions: CMQ's UnbindDeadLetterQueue and ListDeadLetterSourceQueues
 * (cmq-api-http.md §4.13), and cmq-edge's own EdgeRedriveDeadLetterQueue, which sends a dead-letter
 * queue's messages back to their source queues at a limited rate (progress in GetQueueAttributes:
 * redriveStatus, redriveMovedMsgNum).
 * @module
 */
import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { DEAD_LETTER_LIMITS, LIST_LIMIT, MAX_QUEUES_PER_TENANT } from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import { type Action, action } from "../action";
import { optionalInt, pageQuery, pagingParams } from "../param-schemas";
import { catalogObject, queueObject } from "../tenant";

const UnbindDeadLetterQueue = action(
  z.object({ queueName: nameParam("queue") }),
  async (ctx, input) => {
    const view = unwrap(
      await catalogObject(ctx).setQueueAttributes(ctx.appId, input.queueName, {}, null, ctx.stamp),
    );
    return { queueId: view.queueId };
  },
);

const ListDeadLetterSourceQueues = action(
  z.object({
    deadLetterQueueName: nameParam("queue"),
    ...pagingParams({ min: 0, max: MAX_QUEUES_PER_TENANT }, LIST_LIMIT),
  }),
  async (ctx, input) => {
    const page = unwrap(
      await catalogObject(ctx).deadLetterSources(input.deadLetterQueueName, pageQuery(input)),
    );
    return {
      totalCount: page.total,
      queueList: page.entries.map((e) => ({ queueId: e.id, queueName: e.name })),
    };
  },
);

const EdgeRedriveDeadLetterQueue = action(
  z.object({
    queueName: nameParam("queue"),
    rate: optionalInt("rate", DEAD_LETTER_LIMITS.redriveRate),
  }),
  async (ctx, input) => {
    const call = { queue: input.queueName, stamp: ctx.stamp };
    const rate = input.rate ?? DEAD_LETTER_LIMITS.redriveRate.default;
    const view = unwrap(await queueObject(ctx, input.queueName).startRedrive(call, rate));
    return { queueId: view.queueId, redriveStatus: "running", rate };
  },
);

export const DEAD_LETTER_ACTIONS = {
  UnbindDeadLetterQueue,
  ListDeadLetterSourceQueues,
  EdgeRedriveDeadLetterQueue,
} satisfies Record<string, Action>;
