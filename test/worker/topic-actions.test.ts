import { describe, expect, it } from "vitest";
import { cmq, createQueue, indexed, uniqueName } from "./cmq";

async function createTopic(params: Record<string, string | number> = {}) {
  const topicName = uniqueName("t");
  const reply = await cmq("CreateTopic", { topicName, ...params });
  if (reply.code !== 0) throw new Error(`CreateTopic failed: ${reply.message}`);
  return topicName;
}

describe("topics", () => {
  it("creates a topic with CMQ's defaults and lists it", async () => {
    const topicName = uniqueName("t");
    const created = await cmq("CreateTopic", { topicName });
    expect(created.topicId).toMatch(/^topic-[0-9a-f]{12}$/);
    expect(await cmq("GetTopicAttributes", { topicName })).toMatchObject({
      code: 0,
      topicName,
      topicId: created.topicId,
      msgCount: 0,
      maxMsgSize: 65536,
      msgRetentionSeconds: 86400,
      filterType: 1,
      LoggingEnabled: 0,
    });
    expect(await cmq("ListTopic", { searchWord: topicName })).toMatchObject({
      totalCount: 1,
      topicList: [{ topicName, topicId: created.topicId }],
    });
    expect((await cmq("CreateTopic", { topicName: topicName.toUpperCase() })).code).toBe(4000);
  });

  it("changes maxMsgSize, and refuses values outside 1024–1048576", async () => {
    const topicName = await createTopic({ maxMsgSize: 1_048_576, filterType: 2 });
    expect((await cmq("SetTopicAttributes", { topicName, maxMsgSize: 1024 })).code).toBe(0);
    expect(await cmq("GetTopicAttributes", { topicName })).toMatchObject({
      maxMsgSize: 1024,
      filterType: 2,
    });
    expect((await cmq("SetTopicAttributes", { topicName, maxMsgSize: 1023 })).code).toBe(4000);
    expect((await cmq("CreateTopic", { topicName: uniqueName("t"), filterType: 3 })).code).toBe(
      4000,
    );
  });

  it("answers a missing topic with 4000 for attributes and 4440 for publish and delete (§9 R2)", async () => {
    const topicName = uniqueName("t");
    expect((await cmq("GetTopicAttributes", { topicName })).code).toBe(4000);
    expect((await cmq("SetTopicAttributes", { topicName, maxMsgSize: 2048 })).code).toBe(4000);
    expect(await cmq("PublishMessage", { topicName, msgBody: "x" })).toMatchObject({
      code: 4440,
      message: expect.stringContaining("(10600)"),
    });
    expect((await cmq("DeleteTopic", { topicName })).code).toBe(4440);
  });

  it("refuses to delete a topic with subscriptions, then deletes it once they are gone", async () => {
    const topicName = await createTopic();
    const queueName = await createQueue();
    await cmq("Subscribe", {
      topicName,
      subscriptionName: "s",
      protocol: "queue",
      endpoint: queueName,
    });
    expect(await cmq("DeleteTopic", { topicName })).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(10540)"),
    });
    await cmq("Unsubscribe", { topicName, subscriptionName: "s" });
    expect((await cmq("DeleteTopic", { topicName })).code).toBe(0);
    expect((await cmq("ListTopic", { searchWord: topicName })).totalCount).toBe(0);
    // Listing a deleted topic's subscriptions succeeds, empty (Java SDK TopicTest, §9 R6).
    expect(await cmq("ListSubscriptionByTopic", { topicName })).toMatchObject({
      code: 0,
      totalCount: 0,
    });
  });

  it("publishes to a topic without subscriptions with 6030 (10650)", async () => {
    const topicName = await createTopic();
    expect(await cmq("PublishMessage", { topicName, msgBody: "x" })).toMatchObject({
      code: 6030,
      message: expect.stringContaining("(10650)"),
    });
  });
});

describe("subscriptions", () => {
  it("subscribes a queue and an http endpoint, and reports every field SDKs read", async () => {
    const topicName = await createTopic();
    const queueName = await createQueue();
    const q = await cmq("Subscribe", {
      topicName,
      subscriptionName: "to-queue",
      protocol: "queue",
      endpoint: queueName,
      notifyStrategy: "BACKOFF_RETRY",
      notifyContentFormat: "JSON",
    });
    expect(q.subscriptionId).toMatch(/^subscription-/);
    await cmq("Subscribe", {
      topicName,
      subscriptionName: "to-http",
      protocol: "HTTP",
      endpoint: "https://example.test/hook",
      ...indexed("filterTag", ["a", "b"]),
      ...indexed("bindindKey", ["x.#"]),
    });
    expect(
      await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "to-queue" }),
    ).toMatchObject({
      topicOwner: "1250000000",
      msgCount: 0,
      protocol: "queue",
      protocal: "queue",
      endpoint: queueName,
      notifyStrategy: "BACKOFF_RETRY",
      notifyContentFormat: "SIMPLIFIED",
      bindingKey: [],
      filterTag: [],
      filterTags: [],
    });
    expect(
      await cmq("GetSubscriptionAttributes", { topicName, subscriptionName: "to-http" }),
    ).toMatchObject({
      protocol: "http",
      notifyStrategy: "EXPONENTIAL_DECAY_RETRY",
      notifyContentFormat: "JSON",
      filterTag: ["a", "b"],
      bindingKey: ["x.#"],
    });
    const list = await cmq("ListSubscriptionByTopic", { topicName });
    expect(list.totalCount).toBe(2);
    expect(
      list.subscriptionList.map((s: { subscriptionName: string }) => s.subscriptionName),
    ).toEqual(["to-queue", "to-http"]);
    expect(
      (await cmq("ListSubscriptionByTopic", { topicName, searchWord: "HTTP", limit: 1 }))
        .totalCount,
    ).toBe(1);
  });

  it("changes settings, clears filter tags, and unsubscribes", async () => {
    const topicName = await createTopic();
    const base = { topicName, subscriptionName: "s" };
    await cmq("Subscribe", {
      ...base,
      protocol: "http",
      endpoint: "http://example.test/",
      ...indexed("filterTag", ["a"]),
    });
    expect(
      (await cmq("SetSubscriptionAttributes", { ...base, notifyStrategy: "BACKOFF_RETRY" })).code,
    ).toBe(0);
    expect((await cmq("ClearSUbscriptionFIlterTags", base)).code).toBe(0);
    expect(await cmq("GetSubscriptionAttributes", base)).toMatchObject({
      notifyStrategy: "BACKOFF_RETRY",
      filterTag: [],
    });
    expect((await cmq("Unsubscribe", base)).code).toBe(0);
    // After Unsubscribe, Get and Set answer 4000 (PHPX tests, §9 R2).
    expect((await cmq("GetSubscriptionAttributes", base)).code).toBe(4000);
    expect(
      (await cmq("SetSubscriptionAttributes", { ...base, notifyStrategy: "BACKOFF_RETRY" })).code,
    ).toBe(4000);
    expect((await cmq("Unsubscribe", base)).code).toBe(4440);
  });

  it.each<[string, Record<string, string>, number, string]>([
    ["a missing queue", { protocol: "queue", endpoint: "no-such-queue" }, 4000, "(10500)"],
    ["a non-http URL", { protocol: "http", endpoint: "ftp://example.test/" }, 4000, "(10500)"],
    [
      "blanks in the URL",
      { protocol: "http", endpoint: "http://example.test/a b" },
      4510,
      "(10570)",
    ],
    [
      "an endpoint that is cmq-edge itself",
      { protocol: "http", endpoint: "http://CMQ.test:8787/v2/index.php" },
      4000,
      "(10500)",
    ],
    ["an unknown protocol", { protocol: "smtp", endpoint: "a@b" }, 4000, "(10510)"],
    [
      "an unknown strategy",
      { protocol: "http", endpoint: "http://x.test/", notifyStrategy: "SOMETIMES" },
      4000,
      "(10520)",
    ],
    [
      "an unknown format",
      { protocol: "http", endpoint: "http://x.test/", notifyContentFormat: "XML" },
      4000,
      "(10530)",
    ],
    [
      "six filter tags",
      {
        protocol: "http",
        endpoint: "http://x.test/",
        ...indexed("filterTag", ["1", "2", "3", "4", "5", "6"]),
      },
      4000,
      "(10490)",
    ],
    [
      "six binding keys",
      {
        protocol: "http",
        endpoint: "http://x.test/",
        ...indexed("bindingKey", ["1", "2", "3", "4", "5", "6"]),
      },
      4000,
      "(10680)",
    ],
    [
      "a malformed binding key",
      { protocol: "http", endpoint: "http://x.test/", ...indexed("bindingKey", ["a.b*"]) },
      4000,
      "(10691)",
    ],
  ])("refuses %s and stores nothing", async (_, params, code, module) => {
    const topicName = await createTopic();
    const reply = await cmq("Subscribe", { topicName, subscriptionName: "s", ...params });
    expect(reply.code).toBe(code);
    expect(reply.message.startsWith(module)).toBe(true);
    expect((await cmq("ListSubscriptionByTopic", { topicName })).totalCount).toBe(0);
  });

  it.each<[string, string, boolean]>([
    ["http://127.0.0.1:8787/v2/index.php", "http://127.0.0.1:9999/hook", true],
    ["http://127.0.0.1:8787/v2/index.php", "https://127.0.0.1:8787/hook", true],
    ["http://127.0.0.1:8787/v2/index.php", "http://localhost:8787/", false],
    ["http://127.0.0.1:8787/v2/index.php", "http://[::1]:8787/", false],
    ["http://127.0.0.1:8787/v2/index.php", "http://2130706433:8787/hook", false],
    ["http://127.0.0.1:8787/v2/index.php", "http://[::ffff:127.0.0.1]:8787/", false],
    ["http://localhost:8787/", "http://127.0.0.1:8787/", false],
    ["http://cmq.test/v2/index.php", "http://cmq.test:80/hook", false],
    ["http://cmq.test/v2/index.php", "http://cmq.test:8787/hook", true],
  ])("called at %s, Subscribe to %s is accepted: %s", async (url, endpoint, accepted) => {
    const topicName = await createTopic();
    const subscribe = { topicName, subscriptionName: "s", protocol: "http", endpoint };
    const reply = await cmq("Subscribe", subscribe, { url });
    if (accepted) {
      expect(reply.code).toBe(0);
    } else {
      expect(reply).toMatchObject({
        code: 4000,
        message: expect.stringContaining("the endpoint is cmq-edge itself"),
      });
    }
    const listed = await cmq("ListSubscriptionByTopic", { topicName });
    expect(listed.totalCount).toBe(accepted ? 1 : 0);
  });

  it("refuses a duplicate subscription name with 4000", async () => {
    const topicName = await createTopic();
    const sub = {
      topicName,
      subscriptionName: "s",
      protocol: "http",
      endpoint: "http://example.test/",
    };
    await cmq("Subscribe", sub);
    expect(await cmq("Subscribe", { ...sub, notifyContentFormat: "SIMPLIFIED" })).toMatchObject({
      code: 4000,
      message: expect.stringContaining("(10470)"),
    });
  });

  it("does not let a tenant subscribe another tenant's queue", async () => {
    const { TENANT_B } = await import("./cmq");
    const queueName = await createQueue();
    const topicName = uniqueName("t");
    await cmq("CreateTopic", { topicName }, { credentials: TENANT_B });
    const reply = await cmq(
      "Subscribe",
      { topicName, subscriptionName: "s", protocol: "queue", endpoint: queueName },
      { credentials: TENANT_B },
    );
    expect(reply.code).toBe(4000);
  });
});
