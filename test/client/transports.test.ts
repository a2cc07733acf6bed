/**
 * cmq-edge/client, one behaviour suite run over each transport against a real Worker and bridge:
 * messages singly and in batches, long polls, typed errors, publishing, management, the consuming
 * iterator, extend / release, peek, and aborted calls that must leave messages for others.
 */
import {
  CMQ_CODES,
  CmqApi3Error,
  type CmqClient,
  CmqError,
  CmqUsageError,
  tcpClient,
} from "cmq-edge/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ClientStack, startClientStack, type TransportName } from "./client-stack";

let stack: ClientStack;
beforeAll(async () => {
  stack = await startClientStack();
});
afterAll(async () => {
  await stack?.stop();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each<TransportName>(["http", "tcp"])("over %s", (transport) => {
  let cmq: CmqClient;
  beforeAll(() => {
    cmq = stack.client(transport);
  });

  /** A new queue of its own for each test. */
  const newQueue = (settings = {}) => cmq.createQueue(stack.name("q"), settings);

  /** Resolves once `n` long polls wait on the queue (GetQueueAttributes' waitingReceiverNum). */
  async function waiting(queue: Awaited<ReturnType<typeof newQueue>>, n: number) {
    await vi.waitFor(async () => expect((await queue.attributes()).waitingReceiverNum).toBe(n), {
      timeout: 10_000,
      interval: 20,
    });
  }

  it("sends, receives and deletes, singly and in batches; no message is an empty result", async () => {
    const queue = await newQueue();
    const id = await queue.send("héllo 世界");
    const batchIds = await queue.sendBatch(["b1", "b2", "b3"]);
    const one = await queue.receive();
    expect(one).toMatchObject({ msgId: id, body: "héllo 世界", dequeueCount: 1 });
    await one?.delete();
    const batch = await queue.receiveBatch(16);
    expect(batch.map((m) => [m.msgId, m.body])).toEqual([
      [batchIds[0], "b1"],
      [batchIds[1], "b2"],
      [batchIds[2], "b3"],
    ]);
    expect(await queue.deleteBatch(batch.map((m) => m.receiptHandle))).toEqual([]);
    expect(await queue.receive()).toBeUndefined();
    expect(await queue.receiveBatch(16)).toEqual([]);
    expect(await queue.attributes()).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 0 });
  });

  it("long-polls until a message arrives", async () => {
    const queue = await newQueue();
    const receiving = queue.receive({ wait: 20 });
    await waiting(queue, 1);
    await queue.send("arrived");
    expect((await receiving)?.body).toBe("arrived");
  });

  it("throws CMQ's code and message as typed values", async () => {
    const missing = cmq.queue(stack.name("missing"));
    const error = await missing.send("x").catch((e) => e);
    expect(error).toBeInstanceOf(CmqError);
    expect(error).toMatchObject({ code: CMQ_CODES.queueNotFound, transport });
    expect(error.cmqMessage).toMatch(/^\(10100\)queue is not existed/);
  });

  it("lists the handles a batch delete could not delete, with their code", async () => {
    const queue = await newQueue({ visibilityTimeout: 1 });
    await queue.sendBatch(["a", "b"]);
    const [stale, kept] = await queue.receiveBatch(2);
    // A second delivery of `a` makes its first handle stale.
    await stale?.release();
    const again = await queue.receive();
    expect(again?.msgId).toBe(stale?.msgId);
    const handles = [stale?.receiptHandle ?? "", kept?.receiptHandle ?? ""];
    const failures = await queue.deleteBatch(handles);
    expect(failures).toEqual([
      {
        receiptHandle: stale?.receiptHandle,
        code: CMQ_CODES.receiptHandleInvalid,
        message: expect.stringMatching(/^\(10260\)/),
      },
    ]);
  });

  it("publishes singly and in batches, with tags, to a queue subscription", async () => {
    const queue = await newQueue();
    const topic = await cmq.createTopic(stack.name("t"));
    await topic.subscribe("to-queue", {
      protocol: "queue",
      endpoint: queue.name,
      filterTags: ["blue"],
    });
    // No subscription takes red: CMQ refuses the publish (6030).
    await expect(topic.publish("red", { tags: ["red"] })).rejects.toMatchObject({ code: 6030 });
    const id = await topic.publish("blue one", { tags: ["blue"] });
    const ids = await topic.publishBatch(["blue two", "blue three"], { tags: ["blue"] });
    expect([id, ...ids].every((x) => /^[0-9]+$/.test(x))).toBe(true);
    const bodies: string[] = [];
    for await (const m of queue.messages({ wait: 10, batch: 16, deleteOnSuccess: true })) {
      bodies.push(m.body);
      if (bodies.length === 3) break;
    }
    expect(bodies.sort()).toEqual(["blue one", "blue three", "blue two"]);
    const subscription = await topic.subscription("to-queue").attributes();
    expect(subscription).toMatchObject({
      protocol: "queue",
      endpoint: queue.name,
      filterTag: ["blue"],
    });
    await topic.subscription("to-queue").remove();
    await topic.remove();
  });

  it("manages queues and topics: create, list, read and change attributes, delete", async () => {
    const prefix = stack.name("m");
    const queue = await cmq.createQueue(`${prefix}-q`, { visibilityTimeout: 45, trace: 1 });
    await cmq.createTopic(`${prefix}-t`, { filterType: 2 });
    expect((await cmq.listQueues({ searchWord: prefix })).queues.map((q) => q.name)).toEqual([
      `${prefix}-q`,
    ]);
    expect((await cmq.listTopics({ searchWord: prefix })).topics.map((t) => t.name)).toEqual([
      `${prefix}-t`,
    ]);
    await queue.setAttributes({ maxMsgSize: 2048 });
    const attributes = await queue.attributes();
    expect(attributes).toMatchObject({
      queueName: `${prefix}-q`,
      visibilityTimeout: 45,
      maxMsgSize: 2048,
      trace: 1,
      activeMsgNum: 0,
    });
    expect(attributes).not.toHaveProperty("code");
    expect(await cmq.topic(`${prefix}-t`).attributes()).toMatchObject({ filterType: 2 });
    await cmq.deleteQueue(`${prefix}-q`);
    await cmq.deleteTopic(`${prefix}-t`);
    expect((await cmq.listQueues({ searchWord: prefix })).totalCount).toBe(0);
  });

  it("consumes with messages(): each deleted after its loop body, the loop ended by a signal", async () => {
    const queue = await newQueue();
    await queue.sendBatch(["1", "2", "3"]);
    const stop = new AbortController();
    const bodies: string[] = [];
    for await (const m of queue.messages({ wait: 5, deleteOnSuccess: true, signal: stop.signal })) {
      bodies.push(m.body);
      if (bodies.length === 3) stop.abort();
    }
    expect(bodies).toEqual(["1", "2", "3"]);
    expect(await queue.attributes()).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 0 });
  });

  it("extends a slow consumer's message and releases a failed one at once", async () => {
    const queue = await newQueue({ visibilityTimeout: 30 });
    await queue.send("job");
    const m = await queue.receive();
    if (!m) throw new Error("no message");
    const before = nowSeconds();
    const until = await m.extend(600);
    expect(until).toBeGreaterThanOrEqual(before + 600);
    expect(m.nextVisibleTime).toBe(until);
    expect(await queue.receive()).toBeUndefined();
    await m.release();
    const again = await queue.receive();
    expect(again).toMatchObject({ msgId: m.msgId, dequeueCount: 2 });
    const error = await m.extend(10).catch((e) => e);
    expect(error).toMatchObject({ code: CMQ_CODES.receiptHandleInvalid });
  });

  it("peeks without taking: no handle, no count, and in-flight messages when asked", async () => {
    const queue = await newQueue({ visibilityTimeout: 3600 });
    await queue.sendBatch(["a", "b"]);
    const held = await queue.receive();
    const peeked = await queue.peek(16, { inFlight: true });
    expect(peeked.map((p) => [p.body, p.state, p.dequeueCount])).toEqual([
      ["b", "visible", 0],
      ["a", "inFlight", 1],
    ]);
    expect(peeked[1]?.nextVisibleTime).toBe(held?.nextVisibleTime);
    expect(peeked[0]).not.toHaveProperty("receiptHandle");
    expect(await queue.peek(1)).toMatchObject([{ body: "b", state: "visible" }]);
    expect(await queue.receive()).toMatchObject({ body: "b", dequeueCount: 1 });
  });

  it("purges over API 3.0 (ClearCmqQueue, TC3-signed), and its refusals carry API 3.0's code", async () => {
    const queue = await newQueue({ visibilityTimeout: 3600 });
    await queue.sendBatch(["a", "b", "c"]);
    await queue.receive();
    await queue.purge();
    expect(await queue.attributes()).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 0 });
    expect(await queue.receive()).toBeUndefined();
    const missing = await cmq
      .queue(stack.name("missing"))
      .purge()
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CmqApi3Error);
    expect(missing).toMatchObject({
      action: "ClearCmqQueue",
      code: expect.stringMatching(/^Resource/),
    });
  });

  it("rejects an aborted long poll with the signal's reason, leaving the message for others", async () => {
    const queue = await newQueue({ visibilityTimeout: 3600 });
    const stop = new AbortController();
    const receiving = queue.receive({ wait: 20, signal: stop.signal });
    await waiting(queue, 1);
    stop.abort();
    expect((await receiving.catch((e) => e)).name).toBe("AbortError");
    await queue.send("for someone else");
    // HTTP: the Worker cancelled the wait. TCP: the bridge's pull took the message, and the client
    // handed it back as the reply arrived for no one.
    expect((await queue.receive({ wait: 10 }))?.body).toBe("for someone else");
  });
});

describe("over tcp", () => {
  it("pipelines many calls on one connection, and reconnects after the bridge closes it", async () => {
    const idle = await startClientStack({ idleTimeoutMs: 300 });
    try {
      const cmq = idle.client("tcp");
      const queue = await cmq.createQueue(idle.name("p"));
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.send(`m${i}`)));
      expect(new Set(ids).size).toBe(50);
      // In flight together on the connection: the bridge stored them in fewer object calls.
      const { items, calls } = idle.bridge.forwarder.sends.stats;
      expect(items).toBe(50);
      expect(calls).toBeLessThan(50);
      // Silent past the idle timeout: the bridge closes the connection; the next call reopens it.
      await vi.waitFor(async () => expect(idle.bridge.server.connectionCount).toBe(0), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await queue.receiveBatch(16)).toHaveLength(16);
      expect((await queue.attributes()).inactiveMsgNum).toBe(16);
    } finally {
      await idle.stop();
    }
  });

  it("says what needs HTTP when the TCP client was given no endpoint", async () => {
    const cmq = tcpClient({
      host: "127.0.0.1",
      port: stack.tcpPort,
      credentials: stack.credentials,
    });
    try {
      const error = await cmq
        .queue("q")
        .peek()
        .catch((e) => e);
      expect(error).toBeInstanceOf(CmqUsageError);
      expect(error.message).toMatch(/^EdgePeekMessages goes over HTTP/);
    } finally {
      cmq.close();
    }
  });
});
