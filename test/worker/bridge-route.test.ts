import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { BridgeMessage } from "../../src/contract/bridge-results";
import { sign } from "../../src/contract/cmq-signature";
import { MAX_COALESCED_RECEIVE } from "../../src/domain/limits";
import { handleBridgeRequest } from "../../src/http/internal/bridge-route";
import { cmq, createQueue, TENANT_A, TENANT_B, uniqueName } from "./cmq";
import { useTestClock } from "./test-clock";

const clock = useTestClock();

const URL = "http://cmq.test:8787/internal/bridge";
const APP_A = "1250000000";
const APP_B = "1250000001";

/** The CMQ_TCP_AUTH captured from the Java SDK (cmq-api-tcp.md "Hex fixtures"). */
const FIXTURE = {
  op: "auth",
  secretId: "AKIDselfcheckEXAMPLE",
  clientId: "192.0.2.2@DEFAULT",
  signature: "djEC378ead19O0YuKnVfIQ9gf8M=",
  signatureMethod: "HmacSHA1",
};

async function post(body: string, headers: Record<string, string>) {
  const response = await exports.default.fetch(new Request(URL, { method: "POST", body, headers }));
  // biome-ignore lint/suspicious/noExplicitAny: the value's shape depends on the call.
  return { status: response.status, body: (await response.json()) as any };
}

/** Calls the bridge route as the bridge does, with the local default token. */
function bridge(call: unknown, token = env.CMQ_BRIDGE_TOKEN ?? "") {
  return post(JSON.stringify(call), { authorization: `Bearer ${token}` });
}

/** A successful call's value (HTTP 200, ok: true). */
async function value(call: unknown) {
  const reply = await bridge(call);
  expect(reply).toMatchObject({ status: 200, body: { ok: true } });
  return reply.body.value;
}

/** Resolves once the queue reports `n` long polls waiting. */
async function waitingIs(queueName: string, n: number) {
  await vi.waitFor(
    async () => expect((await cmq("GetQueueAttributes", { queueName })).waitingReceiverNum).toBe(n),
    { timeout: 10_000, interval: 20 },
  );
}

async function activeMsgNum(queueName: string) {
  return (await cmq("GetQueueAttributes", { queueName })).activeMsgNum;
}

describe("bridge route: token", () => {
  it("refuses a missing or wrong token with 401 and stores nothing", async () => {
    const queue = await createQueue();
    const call = JSON.stringify({
      op: "send",
      appId: APP_A,
      queue,
      groups: [{ bodies: ["x"], delaySeconds: 0 }],
    });
    const token = env.CMQ_BRIDGE_TOKEN ?? "";
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer wrong" },
      { authorization: `Bearer ${token}x` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: token },
      { authorization: "Bearer " },
    ]) {
      expect(await post(call, headers)).toEqual({
        status: 401,
        body: { ok: false, error: { kind: "bridgeUnauthorized" } },
      });
    }
    expect(await activeMsgNum(queue)).toBe(0);
  });

  it("checks the token before reading the body", async () => {
    expect((await post("{not json", { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("bridge route: auth", () => {
  it("accepts the Java SDK's HmacSHA1 fixture and answers the credential's appId", async () => {
    expect(await value(FIXTURE)).toEqual({ appId: APP_A });
  });

  it.each(["HmacSHA256", "sha256"])("accepts an HMAC-SHA256 signature (%s)", async (method) => {
    const clientId = "198.51.100.7@orders";
    const signature = await sign(TENANT_A.secretKey, "SHA-256", clientId + TENANT_A.secretId);
    const call = { op: "auth", secretId: TENANT_A.secretId, clientId, signature };
    expect(await value({ ...call, signatureMethod: method })).toEqual({ appId: APP_A });
    // The same bytes checked as SHA-1 do not match.
    expect((await bridge({ ...call, signatureMethod: "HmacSHA1" })).body).toEqual({
      ok: false,
      error: { kind: "signatureMismatch" },
    });
  });

  it.each([
    ["another client_id", { clientId: "192.0.2.3@DEFAULT" }],
    ["another signature", { signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" }],
    ["a signature that is not base64", { signature: "not base64!" }],
  ])("refuses %s", async (_, change) => {
    expect(await bridge({ ...FIXTURE, ...change })).toEqual({
      status: 200,
      body: { ok: false, error: { kind: "signatureMismatch" } },
    });
  });

  it("refuses an unknown secretId", async () => {
    expect((await bridge({ ...FIXTURE, secretId: "AKIDnobody" })).body).toEqual({
      ok: false,
      error: { kind: "unknownSecretId" },
    });
  });
});

describe("bridge route: queues", () => {
  it("stores each send group whole or refuses it whole", async () => {
    const queue = await createQueue({ maxMsgSize: 1024 });
    const groups = await value({
      op: "send",
      appId: APP_A,
      queue,
      groups: [
        { bodies: ["a", "b"], delaySeconds: 0 },
        { bodies: ["c", "x".repeat(1025)], delaySeconds: 0 },
        { bodies: ["d"], delaySeconds: 3600 },
      ],
    });
    expect(groups).toEqual([
      { ok: true, value: [expect.stringMatching(/^[0-9]+$/), expect.stringMatching(/^[0-9]+$/)] },
      { ok: false, error: { kind: "messageTooLarge", size: 1025, limit: 1024 } },
      { ok: true, value: [expect.stringMatching(/^[0-9]+$/)] },
    ]);
    expect(await cmq("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 2,
      delayMsgNum: 1,
    });
  });

  it("receives messages with decimal string ids, times in milliseconds", async () => {
    const queue = await createQueue();
    const [sent] = await value({
      op: "send",
      appId: APP_A,
      queue,
      groups: [{ bodies: ["héllo 世界", "two"], delaySeconds: 0 }],
    });
    const before = clock.now();
    const messages: BridgeMessage[] = await value({
      op: "receive",
      appId: APP_A,
      queue,
      max: 16,
      waitSeconds: 0,
      visibilityTimeoutSeconds: 60,
    });
    expect(messages.map((m) => m.body)).toEqual(["héllo 世界", "two"]);
    expect(messages.map((m) => m.msgId)).toEqual(sent.value);
    for (const m of messages) {
      expect(m.receiptHandle).toMatch(/^[0-9]+$/);
      expect(m.dequeueCount).toBe(1);
      expect(m.firstDequeueTime).toBeGreaterThanOrEqual(m.enqueueTime);
      expect(m.nextVisibleTime - m.firstDequeueTime).toBe(60_000);
      expect(m.nextVisibleTime).toBeGreaterThanOrEqual(before + 60_000);
    }
  });

  it("answers an empty list when nothing arrives within the wait", async () => {
    const queue = await createQueue();
    const receiving = value({ op: "receive", appId: APP_A, queue, max: 1, waitSeconds: 20 });
    await waitingIs(queue, 1);
    clock.advance(20_000);
    expect(await receiving).toEqual([]);
  });

  it("answers one outcome per handle: deleted, stale, malformed", async () => {
    const queue = await createQueue();
    await value({
      op: "send",
      appId: APP_A,
      queue,
      groups: [{ bodies: ["one", "two"], delaySeconds: 0 }],
    });
    const [first, second]: BridgeMessage[] = await value({
      op: "receive",
      appId: APP_A,
      queue,
      max: 2,
      waitSeconds: 0,
    });
    const del = (handles: string[]) => value({ op: "delete", appId: APP_A, queue, handles });
    expect(await del([first?.receiptHandle ?? ""])).toEqual([{ ok: true, value: null }]);
    expect(
      await del([first?.receiptHandle ?? "", "not-a-handle", second?.receiptHandle ?? ""]),
    ).toEqual([
      { ok: false, error: { kind: "receiptHandleInvalid" } },
      { ok: false, error: { kind: "receiptHandleMalformed" } },
      { ok: true, value: null },
    ]);
    expect(await cmq("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("deletes more handles in one call than one batch holds", async () => {
    const queue = await createQueue();
    const bodies = Array.from({ length: 16 }, (_, i) => `m${i}`);
    await value({
      op: "send",
      appId: APP_A,
      queue,
      groups: [
        { bodies, delaySeconds: 0 },
        { bodies: bodies.slice(0, 4), delaySeconds: 0 },
      ],
    });
    const handles: string[] = [];
    while (handles.length < 20) {
      const got: BridgeMessage[] = await value({
        op: "receive",
        appId: APP_A,
        queue,
        max: 16,
        waitSeconds: 0,
      });
      handles.push(...got.map((m) => m.receiptHandle));
    }
    const results = await value({ op: "delete", appId: APP_A, queue, handles });
    expect(results).toEqual(handles.map(() => ({ ok: true, value: null })));
    expect(await cmq("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 0,
    });
  });

  it("answers queueNotFound for a missing queue, and for another tenant's", async () => {
    const missing = uniqueName();
    const mine = await createQueue();
    for (const [queue, appId] of [
      [missing, APP_A],
      [mine, APP_B],
    ]) {
      for (const call of [
        { op: "send", groups: [{ bodies: ["x"], delaySeconds: 0 }] },
        { op: "receive", max: 1, waitSeconds: 0 },
        { op: "delete", handles: ["65537", "bad"] },
      ]) {
        expect(await bridge({ ...call, appId, queue })).toEqual({
          status: 200,
          body: { ok: false, error: { kind: "queueNotFound", queue } },
        });
      }
    }
    expect(await activeMsgNum(mine)).toBe(0);
  });
});

describe("bridge route: transaction confirms", () => {
  it("fails only the item whose message id is not a uint64, naming the id it was given", async () => {
    const queue = await createQueue();
    const [sent] = await value({
      op: "send",
      appId: APP_A,
      queue,
      groups: [
        {
          bodies: ["half"],
          delaySeconds: 0,
          transaction: { producer: "p", queryIntervalSeconds: 5 },
        },
      ],
    });
    const [msgId] = sent.value;
    const results = await value({
      op: "confirm",
      appId: APP_A,
      queue,
      items: [
        { msgId: "not-an-id", state: 1 },
        { msgId, state: 1 },
        { msgId: "0", state: 1 },
      ],
    });
    expect(results).toEqual([
      { ok: false, error: { kind: "transactionUnknown", msgId: "not-an-id" } },
      { ok: true, value: null },
      { ok: false, error: { kind: "transactionUnknown", msgId: "0" } },
    ]);
    expect(await activeMsgNum(queue)).toBe(1);
  });
});

describe("bridge route: consume (a consumer's delete and next pull in one call)", () => {
  it("deletes the acknowledged handles, then takes what is there, failing only bad handles", async () => {
    const queue = await createQueue();
    await cmq("BatchSendMessage", {
      queueName: queue,
      "msgBody.1": "a",
      "msgBody.2": "b",
      "msgBody.3": "c",
    });
    const [taken] = await value({ op: "receive", appId: APP_A, queue, max: 1, waitSeconds: 0 });
    const step = await value({
      op: "consume",
      appId: APP_A,
      queue,
      handles: [taken.receiptHandle, "bad", taken.receiptHandle],
      max: 16,
    });
    expect(step.deleted).toEqual([
      { ok: true, value: null },
      { ok: false, error: { kind: "receiptHandleMalformed" } },
      { ok: false, error: { kind: "receiptHandleInvalid" } },
    ]);
    expect(step.messages.map((m: BridgeMessage) => m.body).sort()).toEqual(["b", "c"]);
    expect(await cmq("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 2,
    });
  });
});

describe("bridge route: receivers that go away", () => {
  it("gives back unread what a pull took for a client that closed, its receive not counted", async () => {
    const queue = await createQueue();
    await cmq("SendMessage", { queueName: queue, msgBody: "back" });
    const [taken] = await value({ op: "receive", appId: APP_A, queue, max: 1, waitSeconds: 0 });
    expect(
      await value({ op: "returnUnread", appId: APP_A, queue, handles: [taken.receiptHandle, "x"] }),
    ).toBeNull();
    const again = await cmq("ReceiveMessage", { queueName: queue, pollingWaitSeconds: 0 });
    expect(again).toMatchObject({ code: 0, msgBody: "back", dequeueCount: 1 });
  });

  it("ends a receive whose cancel arrived first, and a parked one, taking nothing", async () => {
    const queue = await createQueue();
    expect(await value({ op: "cancelReceive", appId: APP_A, queue, waiter: "early" })).toBeNull();
    await cmq("SendMessage", { queueName: queue, msgBody: "untouched" });
    const early = { op: "receive", appId: APP_A, queue, max: 1, waitSeconds: 20, waiter: "early" };
    expect(await value(early)).toEqual([]);
    await cmq("ReceiveMessage", { queueName: queue, pollingWaitSeconds: 0 });

    const parked = value({ ...early, waiter: "parked" });
    await waitingIs(queue, 1);
    await value({ op: "cancelReceive", appId: APP_A, queue, waiter: "parked" });
    expect(await parked).toEqual([]);
    expect(await cmq("GetQueueAttributes", { queueName: queue })).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 1,
    });
  });
});

describe("bridge route: topics", () => {
  it("publishes to a topic whose queue subscription delivers the message", async () => {
    const queue = await createQueue();
    const topic = uniqueName("t");
    await cmq("CreateTopic", { topicName: topic });
    const subscribed = await cmq("Subscribe", {
      topicName: topic,
      subscriptionName: "q",
      protocol: "queue",
      endpoint: queue,
    });
    expect(subscribed.code).toBe(0);
    const [published] = await value({
      op: "publish",
      appId: APP_A,
      topic,
      groups: [{ bodies: ["over tcp"], tags: [] }],
    });
    expect(published).toEqual({ ok: true, value: [expect.stringMatching(/^[0-9]+$/)] });
    const messages: BridgeMessage[] = await value({
      op: "receive",
      appId: APP_A,
      queue,
      max: 1,
      waitSeconds: 20,
    });
    expect(messages.map((m) => m.body)).toEqual(["over tcp"]);
  });

  it("answers per group: a topic without subscriptions refuses each", async () => {
    const topic = uniqueName("t");
    await cmq("CreateTopic", { topicName: topic });
    expect(
      await value({ op: "publish", appId: APP_A, topic, groups: [{ bodies: ["x"], tags: [] }] }),
    ).toEqual([{ ok: false, error: { kind: "noSubscription", topic } }]);
  });

  it("answers topicNotFound for a missing topic", async () => {
    const topic = uniqueName("t");
    expect(
      (await bridge({ op: "publish", appId: APP_A, topic, groups: [{ bodies: ["x"], tags: [] }] }))
        .body,
    ).toEqual({ ok: false, error: { kind: "topicNotFound", topic } });
  });
});

describe("bridge route: invalid calls", () => {
  const token = () => ({ authorization: `Bearer ${env.CMQ_BRIDGE_TOKEN}` });

  it("answers 400 for a body that is not JSON", async () => {
    expect(await post("{not json", token())).toEqual({
      status: 400,
      body: { ok: false, error: { kind: "malformedRequest", reason: expect.any(String) } },
    });
  });

  it.each<[string, unknown, object]>([
    ["no op", { appId: APP_A }, { kind: "parameterType", name: "op" }],
    ["an unknown op", { op: "purge" }, { kind: "parameterType", name: "op" }],
    [
      "a missing queue",
      { op: "receive", appId: APP_A, max: 1 },
      { kind: "missingParameter", name: "queue" },
    ],
    [
      "a max given as text",
      { op: "receive", appId: APP_A, queue: "q", max: "1" },
      { kind: "parameterType", name: "max" },
    ],
    [
      "a max over what a coalesced receive takes",
      { op: "receive", appId: APP_A, queue: "q", max: MAX_COALESCED_RECEIVE + 1 },
      { kind: "parameterOutOfRange", name: "max" },
    ],
    [
      "a wait over 30 s",
      { op: "receive", appId: APP_A, queue: "q", max: 1, waitSeconds: 31 },
      { kind: "parameterOutOfRange", name: "waitSeconds" },
    ],
    [
      "a body that is not text",
      { op: "send", appId: APP_A, queue: "q", groups: [{ bodies: [1], delaySeconds: 0 }] },
      { kind: "parameterType", name: "groups.0.bodies.0" },
    ],
    [
      "an invalid queue name",
      { op: "delete", appId: APP_A, queue: "9lives", handles: [] },
      { kind: "invalidName", what: "queue" },
    ],
  ])("answers 400 for %s", async (_, call, error) => {
    const reply = await bridge(call);
    expect(reply).toMatchObject({ status: 400, body: { ok: false, error } });
  });

  it("answers 500 `internal` for an unexpected failure, logging no token", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = {
      ...env,
      QUEUE: {
        idFromName: () => {
          throw new Error("storage is down");
        },
      },
    } as unknown as Env;
    const request = new Request(URL, {
      method: "POST",
      body: JSON.stringify({ op: "receive", appId: APP_A, queue: "q", max: 1 }),
      headers: token(),
    });
    const response = await handleBridgeRequest(request, broken, createExecutionContext());
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ ok: false, error: { kind: "internal" } });
    expect(logged).toHaveBeenCalledOnce();
    expect(JSON.stringify(logged.mock.calls)).not.toContain(env.CMQ_BRIDGE_TOKEN);
    logged.mockRestore();
  });

  it("is not reached by other methods: GET is a CMQ request", async () => {
    const response = await exports.default.fetch(new Request(URL, { headers: token() }));
    expect(await response.json()).toMatchObject({ code: 4000 });
  });

  it("keeps tenants apart by appId: B's send lands in B's queue of the same name", async () => {
    const queue = await createQueue();
    await cmq("CreateQueue", { queueName: queue }, { credentials: TENANT_B });
    await value({ op: "send", appId: APP_B, queue, groups: [{ bodies: ["b"], delaySeconds: 0 }] });
    expect(await activeMsgNum(queue)).toBe(0);
    const attributes = await cmq(
      "GetQueueAttributes",
      { queueName: queue },
      { credentials: TENANT_B },
    );
    expect(attributes.activeMsgNum).toBe(1);
  });
});
