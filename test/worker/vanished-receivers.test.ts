/**
 * Receivers whose client went away (request aborted) must take nothing: a parked long poll is
 * cancelled, and a message taken for it after it left goes back unread (issue 12).
 */
import { env } from "cloudflare:workers";
import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it, vi } from "vitest";
import { QueueClient } from "../../src/objects/queue-client/queue-client";
import { cmq, createQueue, ENDPOINT, send, TENANT_A } from "./cmq";

const waiting = async (queueName: string) =>
  (await cmq("GetQueueAttributes", { queueName })).waitingReceiverNum as number;

/** Resolves once the queue reports `n` long polls waiting. */
async function waitingIs(queueName: string, n: number) {
  await vi.waitFor(async () => expect(await waiting(queueName)).toBe(n), {
    timeout: 10_000,
    interval: 20,
  });
}

/** Starts a 25 s ReceiveMessage its client abandons when `signal` aborts; `done` settles it. */
async function longPoll(queueName: string, signal: AbortSignal) {
  const request = await signedRequest(ENDPOINT, TENANT_A, "ReceiveMessage", {
    queueName,
    pollingWaitSeconds: 25,
  });
  return { done: send(new Request(request, { signal })).catch(() => "aborted") };
}

/** A dead-lettering queue: a message received once and then due again moves to `dlq`. */
async function queueWithDeadLetter() {
  const dlq = await createQueue();
  const deadLetterPolicy = JSON.stringify({ deadLetterQueue: dlq, policy: 0, maxReceiveCount: 1 });
  return { queueName: await createQueue({ deadLetterPolicy, visibilityTimeout: 30 }), dlq };
}

describe("receivers that go away", () => {
  it("ten long polls aborted by their clients take none of the sixteen messages sent later", async () => {
    const { queueName, dlq } = await queueWithDeadLetter();
    const clients = Array.from({ length: 10 }, () => new AbortController());
    const polls = await Promise.all(clients.map((client) => longPoll(queueName, client.signal)));
    await waitingIs(queueName, 10);
    for (const client of clients) client.abort();
    expect(await Promise.all(polls.map((p) => p.done))).toEqual(Array(10).fill("aborted"));
    await waitingIs(queueName, 0);

    for (let i = 0; i < 16; i++) await cmq("SendMessage", { queueName, msgBody: `m${i}` });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 16,
      inactiveMsgNum: 0,
    });
    const received = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(received.msgInfoList).toHaveLength(16);
    expect(received.msgInfoList.map((m: { dequeueCount: number }) => m.dequeueCount)).toEqual(
      Array(16).fill(1),
    );
    expect((await cmq("GetQueueAttributes", { queueName: dlq })).activeMsgNum).toBe(0);
  });

  it("gives back unread, without counting the receive, what was taken for a receiver already gone", async () => {
    const { queueName, dlq } = await queueWithDeadLetter();
    await cmq("SendMessage", { queueName, msgBody: "kept" });
    const gone = new AbortController();
    gone.abort();
    const cleanUp: Promise<unknown>[] = [];
    const receiver = {
      signal: gone.signal,
      waitUntil: (work: Promise<unknown>) => cleanUp.push(work),
    };
    const queue = new QueueClient(env, TENANT_A.appId, queueName, receiver);
    const outcome = await queue.receive({ queue: queueName }, { max: 1, waitSeconds: 0 });
    expect(outcome).toEqual({ ok: false, error: { kind: "noMessage" } });
    await Promise.all(cleanUp);

    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 1,
      inactiveMsgNum: 0,
    });
    const again = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    expect(again).toMatchObject({ code: 0, msgBody: "kept", dequeueCount: 1 });
    expect((await cmq("GetQueueAttributes", { queueName: dlq })).activeMsgNum).toBe(0);
  });

  it("cancels a long poll on every shard of a sharded queue when its client goes away", async () => {
    const queueName = await createQueue({ shards: 4 });
    const client = new AbortController();
    const poll = await longPoll(queueName, client.signal);
    await waitingIs(queueName, 1);
    client.abort();
    expect(await poll.done).toBe("aborted");
    await waitingIs(queueName, 0);
    for (let i = 0; i < 8; i++) await cmq("SendMessage", { queueName, msgBody: `s${i}` });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
      activeMsgNum: 8,
      inactiveMsgNum: 0,
    });
  });
});
