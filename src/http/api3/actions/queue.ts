/**
 * API 3.0 queue actions onto the calls API 2.0's CreateQueue, SetQueueAttributes, DeleteQueue and
 * RewindQueue make, plus ClearCmqQueue (the queue's purge). TDMQ's MsgRetentionSeconds is the
 * queue's msgRetentionSeconds, within TDMQ's range and default (README, "API 3.0").
 * @module
 */
import { z } from "zod";
import {
  API3_LIMITS,
  DEAD_LETTER_LIMITS,
  QUEUE_ATTRIBUTE_LIMITS,
  type QueueAttributeName,
} from "../../../domain/limits";
import { unwrap } from "../../../domain/outcome";
import { parseDeadLetterPolicy } from "../../../domain/queue/dead-letter";
import {
  type DeadLetterPolicy,
  defaultQueueAttributes,
  type QueueAttributes,
} from "../../../domain/queue/meta";
import { type Action, action } from "../../action";
import { catalogObject, queueObject } from "../../tenant";
import { int, nameOf, optionalBool, optionalInt, optionalTags, optionalText } from "../api3-params";

const L = QUEUE_ATTRIBUTE_LIMITS;

/** The settable fields of CreateCmqQueue, all but Tags also ModifyCmqQueueAttribute's. */
const settings = {
  QueueName: nameOf("queue"),
  MaxMsgHeapNum: optionalInt("MaxMsgHeapNum", L.maxMsgHeapNum),
  PollingWaitSeconds: optionalInt("PollingWaitSeconds", L.pollingWaitSeconds),
  VisibilityTimeout: optionalInt("VisibilityTimeout", L.visibilityTimeout),
  MaxMsgSize: optionalInt("MaxMsgSize", L.maxMsgSize),
  MsgRetentionSeconds: optionalInt("MsgRetentionSeconds", API3_LIMITS.queueMsgRetentionSeconds),
  RewindSeconds: optionalInt("RewindSeconds", L.rewindSeconds),
  Transaction: optionalInt("Transaction", { min: 0, max: 1 }),
  FirstQueryInterval: optionalInt("FirstQueryInterval", API3_LIMITS.firstQueryInterval),
  MaxQueryCount: optionalInt("MaxQueryCount", API3_LIMITS.maxQueryCount),
  DeadLetterQueueName: optionalText(),
  Policy: optionalInt("Policy", { min: 0, max: 1 }),
  MaxReceiveCount: optionalInt("MaxReceiveCount", DEAD_LETTER_LIMITS.maxReceiveCount),
  MaxTimeToLive: optionalInt("MaxTimeToLive", DEAD_LETTER_LIMITS.maxTimeToLive),
  Trace: optionalBool("Trace"),
  RetentionSizeInMB: optionalInt("RetentionSizeInMB", API3_LIMITS.retentionSizeInMB),
};

type Settings = z.infer<z.ZodObject<typeof settings>>;

/** The attributes the request sets; Transaction, its policy and RetentionSizeInMB set none. */
function attributePatch(input: Settings): Partial<QueueAttributes> {
  const patch: Partial<Record<QueueAttributeName, number | undefined>> = {
    maxMsgHeapNum: input.MaxMsgHeapNum,
    pollingWaitSeconds: input.PollingWaitSeconds,
    visibilityTimeout: input.VisibilityTimeout,
    maxMsgSize: input.MaxMsgSize,
    msgRetentionSeconds: input.MsgRetentionSeconds,
    rewindSeconds: input.RewindSeconds,
    trace: input.Trace === undefined ? undefined : input.Trace ? 1 : 0,
  };
  return Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as Partial<QueueAttributes>;
}

/** A dead-letter policy when DeadLetterQueueName names a queue; Policy picks the one limit used. */
function deadLetterPolicy(input: Settings): DeadLetterPolicy | undefined {
  if (!input.DeadLetterQueueName) return undefined;
  const policy = input.Policy ?? 0;
  const limit =
    policy === 0
      ? { maxReceiveCount: input.MaxReceiveCount }
      : { maxTimeToLive: input.MaxTimeToLive };
  return parseDeadLetterPolicy(
    JSON.stringify({ deadLetterQueue: input.DeadLetterQueueName, policy, ...limit }),
  );
}

const CreateCmqQueue = action(
  z.strictObject({ ...settings, Tags: optionalTags() }),
  async (ctx, input) => {
    const attributes = {
      ...defaultQueueAttributes(),
      msgRetentionSeconds: API3_LIMITS.queueMsgRetentionSeconds.default,
      maxMsgSize: API3_LIMITS.queueMaxMsgSizeDefault,
      ...attributePatch(input),
    };
    const created = await catalogObject(ctx).createQueue(
      ctx.appId,
      input.QueueName,
      attributes,
      deadLetterPolicy(input) ?? null,
      ctx.stamp,
      input.Tags ?? [],
    );
    return { QueueId: unwrap(created).queueId };
  },
);

const ModifyCmqQueueAttribute = action(z.strictObject(settings), async (ctx, input) => {
  const patch = attributePatch(input);
  const policy = deadLetterPolicy(input);
  const call = { queue: input.QueueName, stamp: ctx.stamp };
  // A new dead-letter policy is bound in the catalog, then set with the attributes at once.
  unwrap(
    policy === undefined
      ? await queueObject(ctx, input.QueueName).setAttributes(call, patch)
      : await catalogObject(ctx).setQueueAttributes(
          ctx.appId,
          input.QueueName,
          patch,
          policy,
          ctx.stamp,
        ),
  );
  return {};
});

const queueName = { QueueName: nameOf("queue") };

const DeleteCmqQueue = action(z.strictObject(queueName), async (ctx, input) => {
  unwrap(await catalogObject(ctx).deleteQueue(ctx.appId, input.QueueName, ctx.stamp));
  return {};
});

/** Answers once every message the queue held is gone (src/domain/queue/purge.ts). */
const ClearCmqQueue = action(z.strictObject(queueName), async (ctx, input) => {
  const call = { queue: input.QueueName, stamp: ctx.stamp };
  unwrap(await queueObject(ctx, input.QueueName).purge(call));
  return {};
});

const RewindCmqQueue = action(
  z.strictObject({
    ...queueName,
    StartConsumeTime: int("StartConsumeTime", { min: 0, max: 2 ** 40 }),
  }),
  async (ctx, input) => {
    const call = { queue: input.QueueName, stamp: ctx.stamp };
    unwrap(await queueObject(ctx, input.QueueName).rewind(call, input.StartConsumeTime));
    return {};
  },
);

export const QUEUE_ACTIONS = {
  CreateCmqQueue,
  ModifyCmqQueueAttribute,
  DeleteCmqQueue,
  ClearCmqQueue,
  RewindCmqQueue,
} satisfies Record<string, Action>;
