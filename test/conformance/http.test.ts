/**
 * The queue behaviour suite over CMQ's HTTP API: the typed HTTP client against a real local
 * Worker. Each operation is one signed action; a non-zero `code` is the WireError.
 */

import type { CmqHttpClient, CmqReply, Params } from "cmq-edge/client";
import { indexed } from "cmq-edge/client";
import { afterAll, beforeAll } from "vitest";
import { type Stack, startStack } from "../bridge/stack";
import { queueBehaviour } from "./queue-behaviour.case.test";
import { type QueueClient, type Received, WireError } from "./queue-client";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

function received(m: CmqReply): Received {
  const { msgId, receiptHandle, msgBody: body, dequeueCount } = m;
  const { enqueueTime, firstDequeueTime, nextVisibleTime } = m;
  return {
    msgId,
    receiptHandle,
    body,
    dequeueCount,
    enqueueTime,
    firstDequeueTime,
    nextVisibleTime,
  };
}

function overHttp(http: CmqHttpClient): QueueClient {
  const ok = async (action: string, params: Params) => {
    const reply = await http.call(action, params);
    if (reply.code !== 0) throw new WireError(reply.code, reply.message);
    return reply;
  };
  return {
    async send(queueName, msgBody, delaySeconds = 0) {
      return (await ok("SendMessage", { queueName, msgBody, delaySeconds })).msgId;
    },
    async batchSend(queueName, bodies, delaySeconds = 0) {
      const reply = await ok("BatchSendMessage", {
        queueName,
        delaySeconds,
        ...indexed("msgBody", bodies),
      });
      return reply.msgList.map((m: CmqReply) => m.msgId);
    },
    async receive(queueName, { waitSeconds, visibilityTimeoutSeconds }) {
      if (visibilityTimeoutSeconds !== undefined)
        throw new Error("HTTP receives take no visibility timeout");
      return received(await ok("ReceiveMessage", { queueName, pollingWaitSeconds: waitSeconds }));
    },
    async batchReceive(queueName, numOfMsg, { waitSeconds }) {
      const reply = await ok("BatchReceiveMessage", {
        queueName,
        numOfMsg,
        pollingWaitSeconds: waitSeconds,
      });
      return reply.msgInfoList.map(received);
    },
    async delete(queueName, receiptHandle) {
      await ok("DeleteMessage", { queueName, receiptHandle });
    },
    async batchDelete(queueName, handles) {
      const reply = await http.call("BatchDeleteMessage", {
        queueName,
        ...indexed("receiptHandle", handles),
      });
      if (reply.code === 0) return [];
      // HTTP reports failed handles in the envelope of a 6010 (some failed) or 6020 (all failed)
      // (cmq-api-http.md §4.12); TCP in del_result with result 0. The suite sees one list.
      if (reply.code !== 6010 && reply.code !== 6020)
        throw new WireError(reply.code, reply.message);
      return reply.errorList.map((e: CmqReply) => ({
        receiptHandle: e.receiptHandle,
        code: e.code,
      }));
    },
  };
}

queueBehaviour(
  () => ({
    transport: "http",
    client: overHttp(stack.http),
    admin: stack.http,
    name: (p) => stack.name(p),
  }),
  {
    receiveVisibilityTimeout:
      "CMQ's HTTP ReceiveMessage takes no visibility timeout; only TCP's pull carries visible_timeout (cmq-api-http.md §4.9, cmq-api-tcp.md)",
  },
);
