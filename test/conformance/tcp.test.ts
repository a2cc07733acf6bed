/**
 * The queue behaviour suite over CMQ's TCP protocol: the TypeScript TCP client through a real
 * bridge to a real local Worker. Ids and handles travel as uint64 and are compared as decimal
 * text, as HTTP carries them; an error reply's `result` is the WireError.
 */

import { type TcpClient, TcpRequestError } from "cmq-edge/client";
import { afterAll, beforeAll } from "vitest";
import { CMD } from "../../tcp-bridge/src/codec/commands";
import type { PulledMessage, TcpReply } from "../../tcp-bridge/src/codec/replies";
import { type Stack, startStack } from "../bridge/stack";
import { queueBehaviour } from "./queue-behaviour.case.test";
import { type QueueClient, type Received, type ReceiveOptions, WireError } from "./queue-client";

let stack: Stack;
let tcp: TcpClient;
beforeAll(async () => {
  stack = await startStack();
  tcp = await stack.tcp();
});
afterAll(async () => {
  await stack?.stop();
});

async function wire<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (e) {
    if (e instanceof TcpRequestError) throw new WireError(e.result, e.error);
    throw e;
  }
}

function received(m: PulledMessage): Received {
  return {
    msgId: String(m.msgId),
    receiptHandle: String(m.receiptHandle),
    body: new TextDecoder().decode(m.body),
    dequeueCount: m.dequeueCount,
    enqueueTime: m.enqueueTime,
    firstDequeueTime: m.firstDequeueTime,
    nextVisibleTime: m.nextVisibleTime,
  };
}

/** A pull as sent, its reply as received: the client's own pull turns 10200 into "nothing". */
async function pull(queue: string, max: number, options: ReceiveOptions, batch: boolean) {
  const reply: TcpReply = await wire(
    tcp.request(
      batch ? CMD.batchPull : CMD.pull,
      { kind: "pull", batch, queue, max, ...options },
      options.waitSeconds * 1000,
    ),
  );
  if (reply.kind !== "pulled") throw new Error(`expected messages, got a ${reply.kind} reply`);
  return reply.messages.map(received);
}

const overTcp: QueueClient = {
  async send(queue, body, delaySeconds = 0) {
    return String(await wire(tcp.send(queue, body, delaySeconds)));
  },
  async batchSend(queue, bodies, delaySeconds = 0) {
    return (await wire(tcp.batchSend(queue, bodies, delaySeconds))).map(String);
  },
  async receive(queue, options) {
    const [message] = await pull(queue, 1, options, false);
    if (!message) throw new Error("a pull reply without its message");
    return message;
  },
  batchReceive: (queue, max, options) => pull(queue, max, options, true),
  async delete(queue, handle) {
    await wire(tcp.delete(queue, BigInt(handle)));
  },
  async batchDelete(queue, handles) {
    const failures = await wire(tcp.batchDelete(queue, handles.map(BigInt)));
    return failures.map((f) => ({ receiptHandle: String(f.receiptHandle), code: f.code }));
  },
};

queueBehaviour(() => ({
  transport: "tcp",
  client: overTcp,
  admin: stack.http,
  name: (p) => stack.name(p),
}));
