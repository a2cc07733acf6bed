/**
 * One behaviour suite for CMQ queues, written once against QueueClient and run by each transport's
 * runner (http.test.ts, tcp.test.ts), as Hono runs common.case.test.ts over every router. This file
 * defines tests only when a runner calls it; vitest.config.mts never runs it on its own.
 */
import { describe, expect, it, vi } from "vitest";
import type { Harness, QueueClient, Received } from "./queue-client";
import { WireError } from "./queue-client";

export type Behaviour =
  | "sendReceive"
  | "batchSendReceive"
  | "batchReceiveAtMost"
  | "longPollWake"
  | "longPollBatchWake"
  | "longPollEmpty"
  | "delete"
  | "batchDelete"
  | "staleHandle"
  | "visibility"
  | "receiveVisibilityTimeout"
  | "delay"
  | "batchDelay"
  | "missingQueue"
  | "noMessage"
  | "badHandle"
  | "limits";

/** Behaviours a transport does not have, each with the reason; the runner lists them. */
export type Skips = Partial<Record<Behaviour, string>>;

/** The codes and messages CMQ gives each transport where they differ (cmq-api-tcp.md). */
const NO_MESSAGE = {
  http: { code: 7000, text: "(10200)no message" },
  tcp: { code: 10200, text: "(10200)no message" },
};

async function failure(promise: Promise<unknown>): Promise<{ code: number; text: string }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof WireError) return { code: e.code, text: e.text };
    throw e;
  }
  throw new Error("expected an error reply");
}

export function queueBehaviour(harness: () => Harness, skips: Skips = {}): void {
  const behaviour = (key: Behaviour, title: string, fn: () => Promise<void>) => {
    const reason = skips[key];
    if (reason) it.skip(`${title} [not on this transport: ${reason}]`, fn);
    else it(title, fn);
  };
  let h: Harness;
  let client: QueueClient;
  const setUp = () => {
    h = harness();
    client = h.client;
  };

  async function queue(attributes: Record<string, string | number> = {}): Promise<string> {
    setUp();
    const name = h.name("conf");
    await h.admin.createQueue(name, attributes);
    return name;
  }

  /** Resolves once `n` receives are parked on the queue (no sleep: the queue reports them). */
  async function parked(queueName: string, n: number) {
    await vi.waitFor(
      async () =>
        expect((await h.admin.ok("GetQueueAttributes", { queueName })).waitingReceiverNum).toBe(n),
      { timeout: 10_000, interval: 20 },
    );
  }

  async function counts(queueName: string) {
    const { activeMsgNum, inactiveMsgNum, delayMsgNum } = await h.admin.ok("GetQueueAttributes", {
      queueName,
    });
    return { activeMsgNum, inactiveMsgNum, delayMsgNum };
  }

  const now = { waitSeconds: 0 };

  describe("send and receive", () => {
    behaviour(
      "sendReceive",
      "returns a sent message with its id, first delivery and times",
      async () => {
        const q = await queue({ visibilityTimeout: 45 });
        const msgId = await client.send(q, "héllo 世界 😀");
        const got = await client.receive(q, now);
        expect(got).toMatchObject({ msgId, body: "héllo 世界 😀", dequeueCount: 1 });
        expect(got.firstDequeueTime).toBeGreaterThanOrEqual(got.enqueueTime);
        expect(got.nextVisibleTime - got.firstDequeueTime).toBe(45);
        expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 1, delayMsgNum: 0 });
      },
    );

    behaviour("batchSendReceive", "batch sends 16 and batch receives them in order", async () => {
      const q = await queue();
      const bodies = Array.from({ length: 16 }, (_, i) => `b${i}`);
      const ids = await client.batchSend(q, bodies);
      expect(new Set(ids).size).toBe(16);
      const got = await client.batchReceive(q, 16, now);
      expect(got.map((m) => [m.msgId, m.body])).toEqual(ids.map((id, i) => [id, bodies[i]]));
    });

    behaviour("batchReceiveAtMost", "gives a batch receive at most what it asks for", async () => {
      const q = await queue();
      await client.batchSend(q, ["1", "2", "3", "4", "5"]);
      expect(await client.batchReceive(q, 2, now)).toHaveLength(2);
      expect(await client.batchReceive(q, 16, now)).toHaveLength(3);
    });
  });

  describe("long polling", () => {
    behaviour("longPollWake", "wakes a parked receive with the message sent after it", async () => {
      const q = await queue();
      const receiving = client.receive(q, { waitSeconds: 20 });
      await parked(q, 1);
      const msgId = await client.send(q, "arrived");
      expect(await receiving).toMatchObject({ msgId, body: "arrived" });
      await parked(q, 0);
    });

    behaviour("longPollBatchWake", "wakes a parked batch receive with what arrived", async () => {
      const q = await queue();
      const receiving = client.batchReceive(q, 16, { waitSeconds: 20 });
      await parked(q, 1);
      await client.batchSend(q, ["a", "b", "c"]);
      expect((await receiving).map((m) => m.body)).toEqual(["a", "b", "c"]);
    });

    behaviour("longPollEmpty", "answers no message once a parked receive's wait ends", async () => {
      const q = await queue();
      const receiving = failure(client.receive(q, { waitSeconds: 1 }));
      await parked(q, 1);
      expect(await receiving).toEqual(NO_MESSAGE[h.transport]);
    });
  });

  describe("delete", () => {
    behaviour("delete", "deletes a received message by its handle, once", async () => {
      const q = await queue();
      await client.send(q, "x");
      const got = await client.receive(q, now);
      await client.delete(q, got.receiptHandle);
      expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 0, delayMsgNum: 0 });
      expect((await failure(client.delete(q, got.receiptHandle))).code).toBe(4430);
    });

    behaviour("batchDelete", "batch deletes, reporting only the handles that failed", async () => {
      const q = await queue();
      await client.batchSend(q, ["a", "b", "c"]);
      const got = await client.batchReceive(q, 16, now);
      const handles = got.map((m) => m.receiptHandle);
      expect(await client.batchDelete(q, handles.slice(0, 2))).toEqual([]);
      const [stale, live] = [handles[0] as string, handles[2] as string];
      expect(await client.batchDelete(q, [stale, live])).toEqual([
        { receiptHandle: stale, code: 4430 },
      ]);
      expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 0, delayMsgNum: 0 });
    });

    behaviour(
      "staleHandle",
      "refuses the handle of an earlier delivery once the message is re-delivered",
      async () => {
        const q = await queue({ visibilityTimeout: 1 });
        await client.send(q, "again");
        const first = await client.receive(q, now);
        // Due again after its visibility timeout: the long poll wakes for it.
        const second = await client.receive(q, { waitSeconds: 10 });
        expect(second).toMatchObject({ msgId: first.msgId, dequeueCount: 2 });
        expect(second.receiptHandle).not.toBe(first.receiptHandle);
        expect((await failure(client.delete(q, first.receiptHandle))).code).toBe(4430);
        await client.delete(q, second.receiptHandle);
      },
    );
  });

  describe("visibility and delay", () => {
    behaviour(
      "visibility",
      "hides a received message for the queue's visibility timeout, then re-delivers it",
      async () => {
        const q = await queue({ visibilityTimeout: 1 });
        const msgId = await client.send(q, "v");
        await client.receive(q, now);
        expect(await failure(client.receive(q, now))).toEqual(NO_MESSAGE[h.transport]);
        expect(await client.receive(q, { waitSeconds: 10 })).toMatchObject({
          msgId,
          dequeueCount: 2,
        });
      },
    );

    behaviour(
      "receiveVisibilityTimeout",
      "hides a message for the receive's own visibility timeout",
      async () => {
        const q = await queue({ visibilityTimeout: 3600 });
        const msgId = await client.send(q, "v");
        const got = await client.receive(q, { waitSeconds: 0, visibilityTimeoutSeconds: 1 });
        expect(got.nextVisibleTime - got.firstDequeueTime).toBe(1);
        expect(await client.receive(q, { waitSeconds: 10 })).toMatchObject({
          msgId,
          dequeueCount: 2,
        });
      },
    );

    behaviour("delay", "keeps a delayed message back until its delay passes", async () => {
      const q = await queue();
      const msgId = await client.send(q, "later", 1);
      expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 0, delayMsgNum: 1 });
      expect(await failure(client.receive(q, now))).toEqual(NO_MESSAGE[h.transport]);
      expect(await client.receive(q, { waitSeconds: 10 })).toMatchObject({ msgId, body: "later" });
    });

    behaviour("batchDelay", "delays every message of a batch", async () => {
      const q = await queue();
      await client.batchSend(q, ["d1", "d2"], 1);
      expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 0, delayMsgNum: 2 });
      const got: Received[] = [];
      while (got.length < 2) got.push(...(await client.batchReceive(q, 16, { waitSeconds: 10 })));
      expect(got.map((m) => m.body).sort()).toEqual(["d1", "d2"]);
    });
  });

  describe("error codes", () => {
    behaviour(
      "missingQueue",
      "answers 4440 for every operation on a queue that does not exist",
      async () => {
        setUp();
        const q = h.name("missing");
        const text = `(10100)queue is not existed, or deleted: ${q}`;
        const missing = { code: 4440, text };
        expect(await failure(client.send(q, "x"))).toEqual(missing);
        expect(await failure(client.batchSend(q, ["x", "y"]))).toEqual(missing);
        expect(await failure(client.receive(q, now))).toEqual(missing);
        expect(await failure(client.batchReceive(q, 16, now))).toEqual(missing);
        expect(await failure(client.delete(q, "1"))).toEqual(missing);
        expect(await failure(client.batchDelete(q, ["1", "2"]))).toEqual(missing);
      },
    );

    behaviour("noMessage", "answers no message to an empty receive and batch receive", async () => {
      const q = await queue();
      expect(await failure(client.receive(q, now))).toEqual(NO_MESSAGE[h.transport]);
      expect(await failure(client.batchReceive(q, 16, now))).toEqual(NO_MESSAGE[h.transport]);
    });

    behaviour("badHandle", "answers 4430 for a handle the queue never gave out", async () => {
      const q = await queue();
      await client.send(q, "x");
      const invalid = { code: 4430, text: "(10260)receipt handle is invalid" };
      expect(await failure(client.delete(q, "12345"))).toEqual(invalid);
      expect(await client.batchDelete(q, ["12345"])).toEqual([
        { receiptHandle: "12345", code: 4430 },
      ]);
      expect(await counts(q)).toMatchObject({ activeMsgNum: 1 });
    });

    behaviour(
      "limits",
      "refuses what breaks a limit with CMQ's codes, storing nothing",
      async () => {
        const q = await queue({ maxMsgSize: 1024 });
        expect((await failure(client.send(q, "x".repeat(1025)))).code).toBe(4400);
        const tooMany = await failure(
          client.batchSend(
            q,
            Array.from({ length: 17 }, () => "x"),
          ),
        );
        expect(tooMany.code).toBe(4000);
        expect(tooMany.text).toMatch(/^\(10370\)/);
        const delay = await failure(client.send(q, "x", 3601));
        expect(delay).toMatchObject({ code: 4000, text: expect.stringMatching(/^\(10692\)/) });
        expect((await failure(client.batchReceive(q, 17, now))).code).toBe(4000);
        const badName = await failure(client.send("1-bad-name", "x"));
        expect(badName).toMatchObject({ code: 4000, text: expect.stringMatching(/^\(10020\)/) });
        expect(await counts(q)).toEqual({ activeMsgNum: 0, inactiveMsgNum: 0, delayMsgNum: 0 });
      },
    );
  });
}
