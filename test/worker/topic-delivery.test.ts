import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { SUBSCRIPTION_LIMITS } from "../../src/domain/limits";
import { RETRY_POLICY } from "../../src/domain/topic/retry-schedule";
import { postPush } from "../../src/objects/http-push";
import { cmq, createQueue, indexed, uniqueName } from "./cmq";
import { topicStub } from "./objects";
import { useTestClock } from "./test-clock";

const clock = useTestClock();

interface Push {
  url: string;
  headers: Headers;
  body: string;
}

/** Stands in for subscribers' HTTP endpoints at the platform boundary (the global fetch). */
function endpoints(answer: (push: Push) => Response | Promise<Response>) {
  const pushes: Push[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const push = { url: request.url, headers: request.headers, body: await request.text() };
    pushes.push(push);
    return answer(push);
  });
  return pushes;
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function topicWith(
  subscriptions: Record<string, Record<string, string | number>>,
  params = {},
) {
  const topicName = uniqueName("t");
  await cmq("CreateTopic", { topicName, ...params });
  for (const [subscriptionName, sub] of Object.entries(subscriptions)) {
    const reply = await cmq("Subscribe", { topicName, subscriptionName, ...sub });
    if (reply.code !== 0) throw new Error(reply.message);
  }
  return topicName;
}

/** Moves time past any retry's wait and runs the topic's alarm (retries without waiting). */
async function runRetriesNow(topicName: string) {
  clock.advance(RETRY_POLICY.exponential.maxIntervalSeconds * 1000);
  await runDurableObjectAlarm(topicStub(topicName));
}

describe("delivery", () => {
  it("fans one publish out to three queues and an HTTP endpoint", async () => {
    const pushes = endpoints(() => new Response("ok"));
    const queues = [await createQueue(), await createQueue(), await createQueue()];
    const topicName = await topicWith({
      ...Object.fromEntries(queues.map((q, i) => [`q${i}`, { protocol: "queue", endpoint: q }])),
      web: { protocol: "http", endpoint: "http://subscriber.test/hook" },
    });
    const published = await cmq("PublishMessage", {
      topicName,
      msgBody: "fan out",
      ...indexed("msgTag", ["a", "b"]),
    });
    expect(published.code).toBe(0);
    for (const queueName of queues) {
      expect(await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 20 })).toMatchObject({
        code: 0,
        msgBody: "fan out",
      });
    }
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 10_000 });
    const [push] = pushes;
    expect(push?.url).toBe("http://subscriber.test/hook");
    expect(push?.headers.get("x-cmq-message-id")).toBe(published.msgId);
    expect(push?.headers.get("x-cmq-message-tag")).toBe("a, b");
    expect(push?.headers.get("user-agent")).toBe("Qcloud Notification Service Agent");
    expect(JSON.parse(push?.body ?? "")).toMatchObject({
      TopicOwner: 1250000000,
      topicName,
      subscriptionName: "web",
      msgId: published.msgId,
      msgBody: "fan out",
    });
  });

  it("sends the raw body to SIMPLIFIED endpoints", async () => {
    const pushes = endpoints(() => new Response(null, { status: 204 }));
    const topicName = await topicWith({
      raw: {
        protocol: "http",
        endpoint: "http://subscriber.test/raw",
        notifyContentFormat: "SIMPLIFIED",
      },
    });
    await cmq("PublishMessage", { topicName, msgBody: "just this" });
    await vi.waitFor(() => expect(pushes.map((p) => p.body)).toEqual(["just this"]), {
      timeout: 10_000,
    });
  });

  it("delivers to a subscription in publish order", async () => {
    const queueName = await createQueue();
    const topicName = await topicWith({ q: { protocol: "queue", endpoint: queueName } });
    for (let i = 0; i < 5; i++) await cmq("PublishMessage", { topicName, msgBody: `m${i}` });
    await cmq("BatchPublishMessage", { topicName, ...indexed("msgBody", ["m5", "m6", "m7"]) });
    const bodies: string[] = [];
    while (bodies.length < 8) {
      const got = await cmq("BatchReceiveMessage", {
        queueName,
        numOfMsg: 16,
        pollingWaitSeconds: 10,
      });
      bodies.push(...got.msgInfoList.map((m: { msgBody: string }) => m.msgBody));
    }
    expect(bodies).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });

  it("filters by tags: untagged messages skip tag-filtered subscriptions (NODE SDK topic-for-tag)", async () => {
    const [a, b] = [await createQueue(), await createQueue()];
    const topicName = await topicWith({
      A: { protocol: "queue", endpoint: a, ...indexed("filterTag", ["system"]) },
      B: { protocol: "queue", endpoint: b },
    });
    await cmq("PublishMessage", { topicName, msgBody: "untagged" });
    await cmq("PublishMessage", { topicName, msgBody: "tagged", ...indexed("msgTag", ["system"]) });
    expect(
      (await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "A" })).msgCount,
    ).toBe(1);
    expect(
      (await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "B" })).msgCount,
    ).toBe(2);
    expect((await cmq("ReceiveMessage", { queueName: a, pollingWaitSeconds: 10 })).msgBody).toBe(
      "tagged",
    );
  });

  it("routes by key on filterType 2 (NODE SDK topic-for-router)", async () => {
    const [a, b] = [await createQueue(), await createQueue()];
    const topicName = await topicWith(
      {
        A: { protocol: "queue", endpoint: a, ...indexed("bindingKey", ["system.common"]) },
        B: { protocol: "queue", endpoint: b, ...indexed("bindingKey", ["*.common"]) },
      },
      { filterType: 2 },
    );
    await cmq("PublishMessage", { topicName, msgBody: "1", routingKey: "system.common" });
    await cmq("PublishMessage", { topicName, msgBody: "2", routingKey: "app.common" });
    expect(
      (await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "A" })).msgCount,
    ).toBe(1);
    expect(
      (await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "B" })).msgCount,
    ).toBe(2);
    expect(
      await cmq("PublishMessage", { topicName, msgBody: "3", routingKey: "nobody.listens" }),
    ).toMatchObject({
      code: 6030,
      message: expect.stringContaining("(10730)"),
    });
  });
});

/** Every body a queue hands out until it has `count` (long polls end as soon as one arrives). */
async function receiveAll(queueName: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  while (bodies.length < count) {
    const reply = await cmq("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 20,
    });
    if (reply.code !== 0)
      throw new Error(`${queueName} has ${bodies.length}/${count}: ${reply.message}`);
    bodies.push(...(reply.msgInfoList as { msgBody: string }[]).map((m) => m.msgBody));
  }
  return bodies.sort();
}

describe("a topic at its subscription limit (100)", () => {
  it("publishes one message and a batch of 16 into every one of 100 subscribed queues", async () => {
    const queues: string[] = [];
    for (let i = 0; i < SUBSCRIPTION_LIMITS.perTopic; i++) queues.push(await createQueue());
    const topicName = await topicWith(
      Object.fromEntries(queues.map((q, i) => [`q${i}`, { protocol: "queue", endpoint: q }])),
    );
    const batch = Array.from({ length: 16 }, (_, i) => `batch-${String(i).padStart(2, "0")}`);
    expect(await cmq("PublishMessage", { topicName, msgBody: "single" })).toMatchObject({
      code: 0,
    });
    const published = await cmq("BatchPublishMessage", { topicName, ...indexed("msgBody", batch) });
    expect(published.code).toBe(0);
    expect(published.msgList).toHaveLength(16);
    for (const queueName of queues) {
      expect(await receiveAll(queueName, 17)).toEqual([...batch, "single"]);
    }
  });
});

describe("failures and retries", () => {
  it("retries a failing endpoint by BACKOFF_RETRY, then drops the message and counts it", async () => {
    const pushes = endpoints(() => new Response("down", { status: 500 }));
    const topicName = await topicWith({
      web: { protocol: "http", endpoint: "http://down.test/", notifyStrategy: "BACKOFF_RETRY" },
    });
    await cmq("PublishMessage", { topicName, msgBody: "x" });
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 10_000 });
    const sub = { topicName, subscriptionName: "web" };
    expect(await cmq("GetSubscriptionAttributes", sub)).toMatchObject({
      pendingMsgNum: 1,
      droppedMsgNum: 0,
      lastDeliveryError: "endpoint answered HTTP 500",
    });
    const dueAt = await runInDurableObject(topicStub(topicName), (_, state) =>
      state.storage.sql.exec("SELECT due_at FROM outbox").one(),
    );
    expect(Number(dueAt.due_at) - clock.now()).toBeGreaterThan(15_000);
    for (let retry = 1; retry <= 3; retry++) await runRetriesNow(topicName);
    expect(pushes).toHaveLength(4);
    expect(await cmq("GetSubscriptionAttributes", sub)).toMatchObject({
      pendingMsgNum: 0,
      droppedMsgNum: 1,
    });
    expect((await cmq("GetTopicAttributes", { topicName })).msgCount).toBe(0);
  });

  it("keeps an undelivered message across a restart of the topic object, then delivers it", async () => {
    let up = false;
    const pushes = endpoints(() => new Response(null, { status: up ? 200 : 503 }));
    const topicName = await topicWith({
      web: { protocol: "http", endpoint: "http://flaky.test/", notifyStrategy: "BACKOFF_RETRY" },
    });
    await cmq("PublishMessage", { topicName, msgBody: "survives" });
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 10_000 });
    await evictDurableObject(topicStub(topicName));
    up = true;
    await runRetriesNow(topicName);
    expect(pushes.map((p) => JSON.parse(p.body).msgBody)).toEqual(["survives", "survives"]);
    expect(
      await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "web" }),
    ).toMatchObject({
      pendingMsgNum: 0,
      deliveredMsgNum: 1,
    });
  });

  it("reports when the last push failed, and clears the error once a push succeeds", async () => {
    let up = false;
    const pushes = endpoints(() => new Response(null, { status: up ? 200 : 503 }));
    const topicName = await topicWith({
      web: { protocol: "http", endpoint: "http://flaky.test/", notifyStrategy: "BACKOFF_RETRY" },
    });
    const before = Math.floor(clock.now() / 1000);
    await cmq("PublishMessage", { topicName, msgBody: "late" });
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 10_000 });
    const sub = { topicName, subscriptionName: "web" };
    const failed = await cmq("GetSubscriptionAttributes", sub);
    expect(failed.lastDeliveryError).toBe("endpoint answered HTTP 503");
    expect(failed.lastDeliveryErrorTime).toBeGreaterThanOrEqual(before);
    expect(failed.lastDeliveryErrorTime).toBeLessThanOrEqual(Math.floor(clock.now() / 1000));
    up = true;
    await runRetriesNow(topicName);
    expect(await cmq("GetSubscriptionAttributes", sub)).toMatchObject({
      deliveredMsgNum: 1,
      lastDeliveryError: "",
      lastDeliveryErrorTime: 0,
    });
  });

  it("keeps delivering to other subscriptions while one endpoint hangs", async () => {
    let release = () => {};
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pushes = endpoints(async (push) => {
      if (push.url.startsWith("http://slow.test")) await hung;
      return new Response("ok");
    });
    const topicName = await topicWith({
      slow: { protocol: "http", endpoint: "http://slow.test/" },
      fast: { protocol: "http", endpoint: "http://fast.test/" },
    });
    await cmq("PublishMessage", { topicName, msgBody: "one" });
    await cmq("PublishMessage", { topicName, msgBody: "two" });
    await vi.waitFor(
      () => expect(pushes.filter((p) => p.url.startsWith("http://fast.test"))).toHaveLength(2),
      { timeout: 10_000 },
    );
    expect(pushes.filter((p) => p.url.startsWith("http://slow.test"))).toHaveLength(1);
    release();
    await vi.waitFor(
      async () => expect((await cmq("GetTopicAttributes", { topicName })).msgCount).toBe(0),
      { timeout: 10_000 },
    );
  });

  it("stops delivering once the subscription and topic are deleted", async () => {
    let up = false;
    const pushes = endpoints(() => new Response(null, { status: up ? 200 : 500 }));
    const topicName = await topicWith({ web: { protocol: "http", endpoint: "http://gone.test/" } });
    await cmq("PublishMessage", { topicName, msgBody: "never twice" });
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 10_000 });
    await cmq("Unsubscribe", { topicName, subscriptionName: "web" });
    expect((await cmq("DeleteTopic", { topicName })).code).toBe(0);
    up = true;
    await runDurableObjectAlarm(topicStub(topicName));
    expect(pushes).toHaveLength(1);
  });

  it("retries delivery to a queue that is gone, and counts the drop when retries end", async () => {
    const queueName = await createQueue();
    const topicName = await topicWith({
      q: { protocol: "queue", endpoint: queueName, notifyStrategy: "BACKOFF_RETRY" },
    });
    await cmq("DeleteQueue", { queueName });
    await cmq("PublishMessage", { topicName, msgBody: "nowhere" });
    const sub = { topicName, subscriptionName: "q" };
    await vi.waitFor(
      async () =>
        expect((await cmq("GetSubscriptionAttributes", sub)).lastDeliveryError).toContain(
          "queueNotFound",
        ),
      { timeout: 10_000 },
    );
    for (let retry = 1; retry <= 3; retry++) await runRetriesNow(topicName);
    expect(await cmq("GetSubscriptionAttributes", sub)).toMatchObject({
      pendingMsgNum: 0,
      droppedMsgNum: 1,
    });
  });
});

describe("what a failed push says (real endpoints on loopback, workerd's own fetch)", () => {
  const at = inject("pushEndpoints");
  const push = { headers: { "content-type": "text/plain" }, body: "x" };

  it.each<[string, string, RegExp]>([
    ["nothing listens on its port", at.refused, /^connection refused by 127\.0\.0\.1:\d+$/],
    [
      "its name does not resolve",
      "http://nonexistent.invalid/hook",
      /^name not resolved: nonexistent\.invalid$/,
    ],
    ["it answers 500", at.failing, /^endpoint answered HTTP 500$/],
    [
      "it hangs up without answering",
      at.hangsUp,
      /^connection to 127\.0\.0\.1:\d+ closed before an answer$/,
    ],
  ])("names the cause when %s, in lastDeliveryError", async (_, endpoint, cause) => {
    const topicName = await topicWith({
      web: { protocol: "http", endpoint, notifyStrategy: "BACKOFF_RETRY" },
    });
    await cmq("PublishMessage", { topicName, msgBody: "x" });
    const sub = { topicName, subscriptionName: "web" };
    await vi.waitFor(
      async () =>
        expect((await cmq("GetSubscriptionAttributes", sub)).lastDeliveryError).not.toBe(""),
      { timeout: 10_000 },
    );
    expect((await cmq("GetSubscriptionAttributes", sub)).lastDeliveryError).toMatch(cause);
  });

  it("says how long it waited for an endpoint that never answers", async () => {
    expect(await postPush(at.silent, push, 300)).toEqual({
      ok: false,
      error: "timed out after 300 ms",
    });
  });
});
