/** Message actions (cmq-api-http.md §4.7–4.12): send, receive with long polling, delete. */

import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import { toWire } from "../../domain/errors";
import { DELAY_SECONDS, MAX_BATCH, POLLING_WAIT_SECONDS } from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import type { ReceivedMessage } from "../../domain/queue/receive";
import { type Action, action } from "../action";
import { batchParam, bodyParam, intParam, optionalInt, receiptHandleParam } from "../param-schemas";
import { FailedReply } from "../respond";
import { type ActionContext, queueObject } from "../tenant";

const queueName = { queueName: nameParam("queue") };
// CMQ answers a delay out of range with its own module code, 10692 (cmq-api-http.md §4.7).
const delaySeconds = optionalInt("delaySeconds", DELAY_SECONDS, {
  kind: "delayOutOfRange",
  max: DELAY_SECONDS.max,
});
const pollingWaitSeconds = optionalInt("pollingWaitSeconds", POLLING_WAIT_SECONDS);

/**
 * Ids and handles travel as decimal strings; times as Unix seconds (§3, §4.9). Without a receipt
 * handle (EdgePeekMessages) the reply cannot be used to delete or hide the message.
 */
export function messageFields(
  m: Omit<ReceivedMessage, "receiptHandle"> & { receiptHandle?: bigint },
) {
  return {
    msgBody: m.body,
    msgId: m.msgId.toString(),
    ...(m.receiptHandle === undefined ? {} : { receiptHandle: m.receiptHandle.toString() }),
    enqueueTime: unixSeconds(m.enqueueTime),
    firstDequeueTime: unixSeconds(m.firstDequeueTime),
    nextVisibleTime: unixSeconds(m.nextVisibleTime),
    dequeueCount: m.dequeueCount,
  };
}

async function sendOne(ctx: ActionContext, queue: string, bodies: string[], delay = 0) {
  const results = unwrap(
    await queueObject(ctx, queue).send({ queue, stamp: ctx.stamp }, [
      { bodies, delaySeconds: delay, origin: { via: "http", client: ctx.client } },
    ]),
  );
  const [group] = results;
  return unwrap(group ?? { ok: false, error: { kind: "internal" } });
}

async function receive(ctx: ActionContext, queue: string, max: number, waitSeconds?: number) {
  const call = { queue, stamp: ctx.stamp };
  return unwrap(await queueObject(ctx, queue).receive(call, { max, waitSeconds }));
}

const SendMessage = action(
  z.object({ ...queueName, msgBody: bodyParam(), delaySeconds }),
  async (ctx, input) => {
    const [id] = await sendOne(ctx, input.queueName, [input.msgBody], input.delaySeconds);
    return { msgId: String(id) };
  },
);

const BatchSendMessage = action(
  z.object({ ...queueName, msgBody: batchParam("msgBody", bodyParam()), delaySeconds }),
  async (ctx, input) => {
    const ids = await sendOne(ctx, input.queueName, input.msgBody, input.delaySeconds);
    return { msgList: ids.map((id) => ({ msgId: id.toString() })) };
  },
);

const ReceiveMessage = action(
  z.object({ ...queueName, pollingWaitSeconds }),
  async (ctx, input) => {
    const [message] = await receive(ctx, input.queueName, 1, input.pollingWaitSeconds);
    return message ? messageFields(message) : {};
  },
);

const BatchReceiveMessage = action(
  z.object({
    ...queueName,
    numOfMsg: intParam("numOfMsg", { min: 1, max: MAX_BATCH }),
    pollingWaitSeconds,
  }),
  async (ctx, input) => {
    const messages = await receive(ctx, input.queueName, input.numOfMsg, input.pollingWaitSeconds);
    return { msgInfoList: messages.map(messageFields) };
  },
);

const DeleteMessage = action(
  z.object({ ...queueName, receiptHandle: receiptHandleParam() }),
  async (ctx, input) => {
    const call = { queue: input.queueName, stamp: ctx.stamp };
    const [result] = unwrap(
      await queueObject(ctx, input.queueName).delete(call, [input.receiptHandle]),
    );
    unwrap(result ?? { ok: false, error: { kind: "internal" } });
    return {};
  },
);

const BatchDeleteMessage = action(
  z.object({ ...queueName, receiptHandle: batchParam("receiptHandle", receiptHandleParam()) }),
  async (ctx, input) => {
    const call = { queue: input.queueName, stamp: ctx.stamp };
    const results = unwrap(
      await queueObject(ctx, input.queueName).delete(call, input.receiptHandle),
    );
    const errorList = results.flatMap((result, i) => {
      if (result.ok) return [];
      const wire = toWire(result.error);
      return [
        { code: wire.code, message: wire.message, receiptHandle: String(input.receiptHandle[i]) },
      ];
    });
    if (errorList.length === 0) return {};
    const kind = errorList.length === results.length ? "deleteFailed" : "deletePartiallyFailed";
    return new FailedReply({ kind }, { errorList });
  },
);

export const MESSAGE_ACTIONS = {
  SendMessage,
  BatchSendMessage,
  ReceiveMessage,
  BatchReceiveMessage,
  DeleteMessage,
  BatchDeleteMessage,
} satisfies Record<string, Action>;
