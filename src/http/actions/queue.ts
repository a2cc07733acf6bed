/** Queue management actions (cmq-api-http.md §4.1–4.6). */

import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import {
  LIST_LIMIT,
  MAX_QUEUES_PER_TENANT,
  QUEUE_ATTRIBUTE_LIMITS,
  type QueueAttributeName,
} from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import { parseDeadLetterPolicy } from "../../domain/queue/dead-letter";
import {
  defaultQueueAttributes,
  QUEUE_ATTRIBUTE_NAMES,
  type QueueAttributes,
} from "../../domain/queue/meta";
import type { QueueView } from "../../domain/queue/queue-store";
import { type Action, action } from "../action";
import { intParam, optionalInt, pageQuery, pagingParams } from "../param-schemas";
import { catalogObject, queueObject } from "../tenant";

const attributeParams = Object.fromEntries(
  Object.entries(QUEUE_ATTRIBUTE_LIMITS).map(([name, range]) => [name, optionalInt(name, range)]),
) as { [K in QueueAttributeName]: ReturnType<typeof optionalInt> };

const queueName = { queueName: nameParam("queue") };

function definedAttributes(input: Partial<Record<QueueAttributeName, number | undefined>>) {
  const patch: Partial<QueueAttributes> = {};
  for (const name of QUEUE_ATTRIBUTE_NAMES) {
    const value = input[name];
    if (value !== undefined) patch[name] = value;
  }
  return patch;
}

/** Both spellings of the rewind count: SDKs read either (cmq-api-http.md §4.4, §9 R7). */
function attributeFields(view: QueueView) {
  return {
    queueName: view.name,
    queueId: view.queueId,
    ...view.attributes,
    createTime: unixSeconds(view.createdAt),
    lastModifyTime: unixSeconds(view.modifiedAt),
    activeMsgNum: view.activeMsgNum,
    inactiveMsgNum: view.inactiveMsgNum,
    delayMsgNum: view.delayMsgNum,
    rewindMsgNum: view.rewindMsgNum,
    rewindmsgNum: view.rewindMsgNum,
    minMsgTime: unixSeconds(view.minMsgTime),
    // CMQ documents it as a string (JSON text); absent when unset.
    ...(view.deadLetterPolicy ? { deadLetterPolicy: JSON.stringify(view.deadLetterPolicy) } : {}),
    // cmq-edge's own: transaction messages awaiting commit or rollback, long polls waiting now,
    // and redrive progress.
    transactionMsgNum: view.transactionMsgNum,
    waitingReceiverNum: view.waitingReceiverNum,
    redriveStatus: view.redrive ? "running" : "idle",
    redriveMovedMsgNum: view.redriveMoved,
  };
}

/** `deadLetterPolicy` as JSON text (cmq-api-http.md §4.1); empty means none. */
const deadLetterPolicy = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const CreateQueue = action(
  z.object({ ...queueName, ...attributeParams, deadLetterPolicy }),
  async (ctx, input) => {
    const attributes = { ...defaultQueueAttributes(), ...definedAttributes(input) };
    const policy =
      input.deadLetterPolicy === undefined ? null : parseDeadLetterPolicy(input.deadLetterPolicy);
    const catalog = catalogObject(ctx);
    const created = await catalog.createQueue(
      ctx.appId,
      input.queueName,
      attributes,
      policy,
      ctx.stamp,
    );
    return { queueId: unwrap(created).queueId };
  },
);

const DeleteQueue = action(z.object(queueName), async (ctx, input) => {
  unwrap(await catalogObject(ctx).deleteQueue(ctx.appId, input.queueName, ctx.stamp));
  return {};
});

const ListQueue = action(
  z.object({
    ...pagingParams({ min: 0, max: MAX_QUEUES_PER_TENANT }, LIST_LIMIT),
  }),
  async (ctx, input) => {
    const page = unwrap(await catalogObject(ctx).list("queue", pageQuery(input), ctx.stamp));
    return {
      totalCount: page.total,
      queueList: page.entries.map((e) => ({ queueId: e.id, queueName: e.name })),
    };
  },
);

const GetQueueAttributes = action(z.object(queueName), async (ctx, input) => {
  const call = { queue: input.queueName, stamp: ctx.stamp };
  return attributeFields(unwrap(await queueObject(ctx, input.queueName).attributes(call)));
});

const SetQueueAttributes = action(
  z.object({ ...queueName, ...attributeParams, deadLetterPolicy }),
  async (ctx, input) => {
    const patch = definedAttributes(input);
    // A new dead-letter policy is bound in the catalog, then set with the attributes at once.
    const view =
      input.deadLetterPolicy === undefined
        ? await queueObject(ctx, input.queueName).setAttributes(
            { queue: input.queueName, stamp: ctx.stamp },
            patch,
          )
        : await catalogObject(ctx).setQueueAttributes(
            ctx.appId,
            input.queueName,
            patch,
            parseDeadLetterPolicy(input.deadLetterPolicy),
            ctx.stamp,
          );
    const { queueId, attributes } = unwrap(view);
    return { queueId, ...attributes };
  },
);

const RewindQueue = action(
  z.object({
    ...queueName,
    startConsumeTime: intParam("startConsumeTime", { min: 0, max: 2 ** 40 }),
  }),
  async (ctx, input) => {
    const call = { queue: input.queueName, stamp: ctx.stamp };
    unwrap(await queueObject(ctx, input.queueName).rewind(call, input.startConsumeTime));
    return {};
  },
);

export const QUEUE_ACTIONS = {
  CreateQueue,
  DeleteQueue,
  ListQueue,
  GetQueueAttributes,
  SetQueueAttributes,
  RewindQueue,
} satisfies Record<string, Action>;
