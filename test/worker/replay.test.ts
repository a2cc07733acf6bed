/**
 * Replay protection per action (SECURITY.md "Replays"): honest repeats from SDKs with small Nonce
 * ranges are executed, while a repeated management request is refused with a message that says so.
 */

import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it, vi } from "vitest";
import { cmq, createQueue, ENDPOINT, send, TENANT_A, uniqueName } from "./cmq";

const SENDS = 2000;
/** The Node SDK's Nonce range (PHP's 1–65535 collides less). */
const NONCES = 10_000;

/** A seeded generator, so the Nonces (and their collisions) are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * Signs `SENDS` copies of one action as such an SDK would within one second: one Timestamp, Nonces
 * drawn from 0–9999, and every 20th request given its predecessor's Nonce so that byte-identical
 * pairs are certain, not left to chance. Sends them 100 at a time; returns the reply codes and how
 * many requests repeated an earlier one byte for byte.
 */
async function honestRepeats(action: string, params: Record<string, string>) {
  const random = seeded(12);
  const timestamp = Math.floor(Date.now() / 1000);
  const nonces: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    nonces.push(i % 20 === 19 ? (nonces[i - 1] ?? 0) : Math.floor(random() * NONCES));
  }
  const requests = await Promise.all(
    nonces.map((nonce) => signedRequest(ENDPOINT, TENANT_A, action, params, { timestamp, nonce })),
  );
  const bodies = await Promise.all(requests.map((r) => r.clone().text()));
  const codes: number[] = [];
  for (let i = 0; i < requests.length; i += 100) {
    const replies = await Promise.all(requests.slice(i, i + 100).map((r) => send(r)));
    codes.push(...replies.map((r) => r.body.code));
  }
  return { codes, repeated: SENDS - new Set(bodies).size };
}

describe("honest repeats of sends and publishes", () => {
  it("stores every one of 2,000 identical SendMessage requests signed with 0–9999 Nonces", async () => {
    const queueName = await createQueue();
    const { codes, repeated } = await honestRepeats("SendMessage", {
      queueName,
      msgBody: "same body",
    });
    expect(repeated).toBeGreaterThanOrEqual(SENDS / 20);
    expect({ refused: codes.filter((c) => c !== 0).length }).toEqual({ refused: 0 });
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ activeMsgNum: SENDS });
  });

  it("routes every one of 2,000 identical PublishMessage requests into the subscribed queue", async () => {
    const queueName = await createQueue();
    const topicName = uniqueName("t");
    expect((await cmq("CreateTopic", { topicName })).code).toBe(0);
    const subscription = { topicName, subscriptionName: "q" };
    expect(
      (await cmq("Subscribe", { ...subscription, protocol: "queue", endpoint: queueName })).code,
    ).toBe(0);
    const { codes, repeated } = await honestRepeats("PublishMessage", {
      topicName,
      msgBody: "same body",
    });
    expect(repeated).toBeGreaterThanOrEqual(SENDS / 20);
    expect({ refused: codes.filter((c) => c !== 0).length }).toEqual({ refused: 0 });
    expect(await cmq("GetSubscriptionAttributes", subscription)).toMatchObject({ msgCount: SENDS });
    await vi.waitFor(
      async () =>
        expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({
          activeMsgNum: SENDS,
        }),
      { timeout: 20_000, interval: 100 },
    );
  });

  it("stores both copies of a byte-identical send on a sharded queue (round robin)", async () => {
    const queueName = await createQueue({ shards: 4 });
    const ids = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const request = await signedRequest(ENDPOINT, TENANT_A, "SendMessage", {
        queueName,
        msgBody: `twice ${i}`,
      });
      const copy = request.clone();
      for (const r of [await send(request), await send(copy)]) {
        expect(r.body.code).toBe(0);
        ids.add(r.body.msgId);
      }
    }
    expect(ids.size).toBe(16);
    expect(new Set([...ids].map((id) => Number(BigInt(id) >> 56n))).size).toBeGreaterThan(1);
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ activeMsgNum: 16 });
  });
});

describe("repeated management requests", () => {
  it("refuses a captured SetQueueAttributes replayed after a later change, saying it was already executed", async () => {
    const queueName = await createQueue();
    const first = await signedRequest(ENDPOINT, TENANT_A, "SetQueueAttributes", {
      queueName,
      visibilityTimeout: 10,
    });
    const replay = first.clone();
    expect((await send(first)).body.code).toBe(0);
    expect((await cmq("SetQueueAttributes", { queueName, visibilityTimeout: 20 })).code).toBe(0);
    const refused = (await send(replay)).body;
    expect(refused.code).toBe(4100);
    expect(refused.message).toContain("identical signed request");
    expect(refused.message).toContain("already executed");
    expect(refused.message).toContain("nothing was lost");
    expect(await cmq("GetQueueAttributes", { queueName })).toMatchObject({ visibilityTimeout: 20 });
  });

  it("executes an identical retry of a CreateQueue or DeleteQueue that failed", async () => {
    const dlq = uniqueName("dlq");
    const queueName = uniqueName();
    const deadLetterPolicy = JSON.stringify({
      deadLetterQueue: dlq,
      policy: 0,
      maxReceiveCount: 3,
    });
    const create = await signedRequest(ENDPOINT, TENANT_A, "CreateQueue", {
      queueName,
      deadLetterPolicy,
    });
    const createAgain = create.clone();
    // The dead-letter queue does not exist yet: refused, so nothing was executed.
    expect((await send(create)).body.code).toBe(4000);
    expect((await cmq("CreateQueue", { queueName: dlq })).code).toBe(0);
    expect((await send(createAgain)).body.code).toBe(0);

    const remove = await signedRequest(ENDPOINT, TENANT_A, "DeleteQueue", { queueName: dlq });
    const removeAgain = remove.clone();
    // Still the dead-letter queue of queueName: refused.
    expect((await send(remove)).body.code).not.toBe(0);
    expect((await cmq("DeleteQueue", { queueName })).code).toBe(0);
    expect((await send(removeAgain)).body.code).toBe(0);
    expect((await cmq("GetQueueAttributes", { queueName: dlq })).code).toBe(4440);
  });

  it("refuses a repeated CreateTopic the same way, leaving the one topic it created", async () => {
    const topicName = uniqueName("t");
    const request = await signedRequest(ENDPOINT, TENANT_A, "CreateTopic", { topicName });
    const repeat = request.clone();
    expect((await send(request)).body.code).toBe(0);
    expect((await send(repeat)).body).toMatchObject({
      code: 4100,
      message: expect.stringContaining("already executed"),
    });
    expect(await cmq("ListTopic", { searchWord: topicName })).toMatchObject({ totalCount: 1 });
  });
});
