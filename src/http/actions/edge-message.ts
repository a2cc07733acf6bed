/**
 * cmq-edge's own message actions, as SQS and MNS have them: EdgeChangeMessageVisibility (a consumer
 * keeps a message longer, or hands it back now) and EdgePeekMessages (look without consuming: the
 * reply carries no receipt handle, and the queue records nothing).
 * @module
 */
import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import { CHANGE_VISIBILITY_SECONDS, MAX_BATCH } from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import { type Action, action } from "../action";
import { intParam, optionalInt, receiptHandleParam } from "../param-schemas";
import { queueObject } from "../tenant";
import { messageFields } from "./message";

const queueName = { queueName: nameParam("queue") };

const EdgeChangeMessageVisibility = action(
  z.object({
    ...queueName,
    receiptHandle: receiptHandleParam(),
    visibilityTimeout: intParam("visibilityTimeout", CHANGE_VISIBILITY_SECONDS),
  }),
  async (ctx, input) => {
    const call = { queue: input.queueName };
    const changed = unwrap(
      await queueObject(ctx, input.queueName).changeVisibility(
        call,
        input.receiptHandle,
        input.visibilityTimeout,
      ),
    );
    return { nextVisibleTime: unixSeconds(changed.nextVisibleTime) };
  },
);

const EdgePeekMessages = action(
  z.object({
    ...queueName,
    numOfMsg: optionalInt("numOfMsg", { min: 1, max: MAX_BATCH }),
    inFlight: optionalInt("inFlight", { min: 0, max: 1 }),
  }),
  async (ctx, input) => {
    const request = { max: input.numOfMsg ?? MAX_BATCH, inFlight: input.inFlight === 1 };
    const peeked = unwrap(
      await queueObject(ctx, input.queueName).peek({ queue: input.queueName }, request),
    );
    return {
      msgInfoList: peeked.visible.map(messageFields),
      ...(request.inFlight ? { inFlightMsgInfoList: peeked.inFlight.map(messageFields) } : {}),
    };
  },
);

export const EDGE_MESSAGE_ACTIONS = {
  EdgeChangeMessageVisibility,
  EdgePeekMessages,
} satisfies Record<string, Action>;
