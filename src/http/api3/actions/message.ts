/** SendCmqMsg and PublishCmqMsg onto API 2.0's SendMessage and PublishMessage calls. */
import { z } from "zod";
import { DELAY_SECONDS, SUBSCRIPTION_LIMITS } from "../../../domain/limits";
import { unwrap } from "../../../domain/outcome";
import { type Action, action } from "../../action";
import { bodyParam } from "../../param-schemas";
import { queueObject, topicObject } from "../../tenant";
import { nameOf, optionalInt, optionalList } from "../api3-params";

/** Ids travel as decimal strings, as API 2.0's do (tdmq-api3.md §2: MsgId is a string). */
const sent = (id: bigint | undefined) => ({ Result: true, MsgId: String(id) });

// DelaySeconds is required in the SDK's model; a request without it is taken as 0.
const SendCmqMsg = action(
  z.strictObject({
    QueueName: nameOf("queue"),
    MsgContent: bodyParam(),
    DelaySeconds: optionalInt("DelaySeconds", DELAY_SECONDS),
  }),
  async (ctx, input) => {
    const queue = input.QueueName;
    const group = {
      bodies: [input.MsgContent],
      delaySeconds: input.DelaySeconds ?? 0,
      origin: { via: "http" as const, client: ctx.client },
    };
    const [result] = unwrap(
      await queueObject(ctx, queue).send({ queue, stamp: ctx.stamp }, [group]),
    );
    const [id] = unwrap(result ?? { ok: false, error: { kind: "internal" } });
    return sent(id);
  },
);

const PublishCmqMsg = action(
  z.strictObject({
    TopicName: nameOf("topic"),
    MsgContent: bodyParam(),
    MsgTag: optionalList("MsgTag", SUBSCRIPTION_LIMITS.tags),
  }),
  async (ctx, input) => {
    const topic = input.TopicName;
    const group = { bodies: [input.MsgContent], tags: [], msgTag: input.MsgTag ?? [] };
    const [result] = unwrap(
      await topicObject(ctx, topic).publish({ topic, stamp: ctx.stamp }, [group]),
    );
    const [id] = unwrap(result ?? { ok: false, error: { kind: "internal" } });
    return sent(id);
  },
);

export const MESSAGE_ACTIONS = { SendCmqMsg, PublishCmqMsg } satisfies Record<string, Action>;
