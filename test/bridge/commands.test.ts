import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection, tracked, waitingIs } from "./probes";
import { type Stack, startStack } from "./stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("every command through the bridge", () => {
  it("sends, pulls and deletes single messages with uint64 ids and handles", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const id = await tcp.send(queue, "héllo 世界");
    const pulled = await tcp.pull(queue, 1);
    expect(pulled).toMatchObject({ msgId: id, dequeueCount: 1 });
    expect(text(pulled?.body ?? new Uint8Array())).toBe("héllo 世界");
    expect(typeof pulled?.receiptHandle).toBe("bigint");
    await tcp.delete(queue, pulled?.receiptHandle ?? 0n);
    expect(await tcp.pull(queue, 0)).toBeUndefined();
  });

  it("batch sends, batch pulls and batch deletes, reporting the handles that failed", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const ids = await tcp.batchSend(queue, ["a", "b", "c"]);
    expect(ids).toHaveLength(3);
    const pulled = await tcp.batchPull(queue, 16, 1);
    expect(pulled.map((m) => text(m.body))).toEqual(["a", "b", "c"]);
    const handles = pulled.map((m) => m.receiptHandle);
    expect(await tcp.batchDelete(queue, handles.slice(0, 1))).toEqual([]);
    const failures = await tcp.batchDelete(queue, handles);
    expect(failures).toEqual([
      { receiptHandle: handles[0], code: 4430, message: "(10260)receipt handle is invalid" },
    ]);
  });

  it("publishes and batch publishes to a topic whose subscription is a queue", async () => {
    const queue = stack.name();
    const topic = stack.name("t");
    await stack.http.createQueue(queue);
    await stack.http.ok("CreateTopic", { topicName: topic });
    await stack.http.ok("Subscribe", {
      topicName: topic,
      subscriptionName: "s",
      protocol: "queue",
      endpoint: queue,
    });
    const tcp = await stack.tcp();
    await tcp.publish(topic, "one", ["tag"]);
    expect(await tcp.batchPublish(topic, ["two", "three"])).toHaveLength(2);
    const got: string[] = [];
    while (got.length < 3)
      got.push(...(await tcp.batchPull(queue, 16, 10)).map((m) => text(m.body)));
    expect(got.sort()).toEqual(["one", "three", "two"]);
  });

  it("answers heartbeats", async () => {
    const tcp = await stack.tcp();
    await expect(tcp.heartbeat()).resolves.toBeUndefined();
  });

  it("returns a message sent over HTTP to a pull waiting in a long poll", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const waiting = tracked(tcp.pull(queue, 20));
    // Parked on the queue first: a pull that answered at once would never show up here.
    await waitingIs(stack.http, queue, 1);
    expect(waiting.settled).toBe(false);
    await stack.http.sendMessage(queue, "from http");
    expect(text((await waiting.promise)?.body ?? new Uint8Array())).toBe("from http");
    await waitingIs(stack.http, queue, 0);
  });

  it("answers each pipelined request as it completes: a parked pull does not hold back a send", async () => {
    const empty = stack.name();
    const other = stack.name();
    await stack.http.createQueue(empty);
    await stack.http.createQueue(other);
    const tcp = await stack.tcp();
    const pull = tracked(tcp.pull(empty, 20));
    await waitingIs(stack.http, empty, 1);
    expect(await tcp.send(other, "quick")).toBeTypeOf("bigint");
    expect(pull.settled).toBe(false);
    await stack.http.sendMessage(empty, "wake");
    expect(text((await pull.promise)?.body ?? new Uint8Array())).toBe("wake");
  });

  it("coalesces concurrent sends to one queue into fewer object calls, each frame answered", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const before = { ...stack.bridge.forwarder.sends.stats };
    const ids = await Promise.all(Array.from({ length: 64 }, (_, i) => tcp.send(queue, `m${i}`)));
    const calls = stack.bridge.forwarder.sends.stats.calls - before.calls;
    expect(new Set(ids).size).toBe(64);
    expect(calls).toBeLessThan(64);
    const attrs = await stack.http.ok("GetQueueAttributes", { queueName: queue });
    expect(attrs.activeMsgNum).toBe(64);
  });
});

describe("pull coalescing", () => {
  it("answers concurrent pulls from fewer receive calls, each frame with its own messages", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const ids = await tcp.batchSend(
      queue,
      Array.from({ length: 16 }, (_, i) => `m${i}`),
    );
    await tcp.batchSend(
      queue,
      Array.from({ length: 16 }, (_, i) => `n${i}`),
    );
    const before = { ...stack.bridge.forwarder.consumes.stats };
    // 24 pulls of one message and two batch pulls of four: 32 messages, all there.
    const pulls = await Promise.all([
      ...Array.from({ length: 24 }, () => tcp.pull(queue, 0)),
      tcp.batchPull(queue, 4, 0),
      tcp.batchPull(queue, 4, 0),
    ]);
    const calls = stack.bridge.forwarder.consumes.stats.calls - before.calls;
    expect(calls).toBeLessThan(26);
    const singles = pulls.slice(0, 24) as ({ msgId: bigint } | undefined)[];
    const batches = pulls.slice(24) as { msgId: bigint }[][];
    expect(singles.every((m) => m !== undefined)).toBe(true);
    expect(batches.map((b) => b.length)).toEqual([4, 4]);
    const got = [...singles.map((m) => m?.msgId), ...batches.flat().map((m) => m.msgId)];
    expect(new Set(got).size).toBe(32);
    expect(got).toEqual(expect.arrayContaining(ids));
  });
});

describe("sharded queues through the bridge", () => {
  it("fuses a consumer's delete and the next pull into one object call, each frame answered", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    for (const half of [0, 16]) {
      await tcp.batchSend(
        queue,
        Array.from({ length: 16 }, (_, i) => `c${half + i}`),
      );
    }
    const first = await tcp.batchPull(queue, 16, 0);
    const before = { ...stack.bridge.forwarder.consumes.stats };
    // Written in one turn, as a pipelining consumer does: they reach the bridge together.
    const [failures, next] = await Promise.all([
      tcp.batchDelete(
        queue,
        first.map((m) => m.receiptHandle),
      ),
      tcp.batchPull(queue, 16, 0),
    ]);
    const stats = stack.bridge.forwarder.consumes.stats;
    expect({ calls: stats.calls - before.calls, items: stats.items - before.items }).toEqual({
      calls: 1,
      items: 2,
    });
    expect(failures).toEqual([]);
    expect(next).toHaveLength(16);
    expect(new Set([...first, ...next].map((m) => m.msgId)).size).toBe(32);
    expect(await stack.http.ok("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 16,
    });
  });

  it("spreads coalesced sends over the shards and pulls and deletes every message", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue, { shards: 3 });
    const tcp = await stack.tcp();
    const ids = await Promise.all(Array.from({ length: 48 }, (_, i) => tcp.send(queue, `m${i}`)));
    expect(new Set(ids.map((id) => Number(id >> 56n))).size).toBeGreaterThan(1);
    const pulled = [];
    for (;;) {
      const batch = await tcp.batchPull(queue, 16, 0);
      if (batch.length === 0) break;
      pulled.push(...batch);
    }
    expect(pulled.map((m) => m.msgId).sort()).toEqual([...ids].sort());
    for (let i = 0; i < pulled.length; i += 16) {
      const handles = pulled.slice(i, i + 16).map((m) => m.receiptHandle);
      expect(await tcp.batchDelete(queue, handles)).toEqual([]);
    }
    const attrs = await stack.http.ok("GetQueueAttributes", { queueName: queue });
    expect(attrs).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 0 });
  });
});

describe("errors", () => {
  it("answers CMQ codes in `result` and keeps the connection open", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue, { maxMsgSize: 1024 });
    const tcp = await stack.tcp();
    expect((await rejection(tcp.send(stack.name(), "x"))).result).toBe(4440);
    expect((await rejection(tcp.send(queue, "x".repeat(1025)))).result).toBe(4400);
    expect(
      (
        await rejection(
          tcp.batchSend(
            queue,
            Array.from({ length: 17 }, () => "x"),
          ),
        )
      ).result,
    ).toBe(4000);
    expect((await rejection(tcp.send("1-bad-name", "x"))).result).toBe(4000);
    expect((await rejection(tcp.batchPull(queue, 17))).result).toBe(4000);
    expect(await tcp.send(queue, "still open")).toBeTypeOf("bigint");
    const attrs = await stack.http.ok("GetQueueAttributes", { queueName: queue });
    expect(attrs.activeMsgNum).toBe(1);
  });

  it("answers a batch delete on a missing queue with 4440, as HTTP does, not a failure per handle", async () => {
    const tcp = await stack.tcp();
    expect((await rejection(tcp.batchDelete(stack.name(), [1n, 2n]))).result).toBe(4440);
    expect((await rejection(tcp.delete(stack.name(), 1n))).result).toBe(4440);
  });

  it("refuses bodies that are not UTF-8", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const { CMD } = await import("../../tcp-bridge/src/codec/commands");
    const reply = tcp.request(CMD.send, {
      kind: "send",
      batch: false,
      queue,
      bodies: [Uint8Array.of(0xff, 0xfe)],
      delaySeconds: 0,
    });
    expect((await rejection(reply)).result).toBe(4000);
  });

  it("answers 10200 for an empty pull after its wait", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const { CMD } = await import("../../tcp-bridge/src/codec/commands");
    const reply = tcp.request(CMD.pull, {
      kind: "pull",
      batch: false,
      queue,
      max: 1,
      waitSeconds: 0,
    });
    expect(await rejection(reply)).toMatchObject({ result: 10200, error: "(10200)no message" });
  });
});
