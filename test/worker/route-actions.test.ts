import { describe, expect, it } from "vitest";
import { cmq, createQueue, TENANT_B, uniqueName } from "./cmq";

/** How the Java TCP SDK asks for a route: GET, HmacSHA1 (cmq-api-tcp.md "HTTP calls"). */
const AS_TCP_SDK = { method: "GET", hash: "SHA-1" } as const;

async function createTopic() {
  const topicName = uniqueName("t");
  const reply = await cmq("CreateTopic", { topicName });
  if (reply.code !== 0) throw new Error(`CreateTopic failed: ${reply.message}`);
  return topicName;
}

describe("QueryQueueRoute / QueryTopicRoute", () => {
  it("answers the TCP bridge address for an existing queue", async () => {
    const queueName = await createQueue();
    expect(await cmq("QueryQueueRoute", { queueName }, AS_TCP_SDK)).toMatchObject({
      code: 0,
      message: "",
      addr: ["127.0.0.1:6380"],
    });
  });

  it("answers the TCP bridge address for an existing topic", async () => {
    const topicName = await createTopic();
    expect(await cmq("QueryTopicRoute", { topicName }, AS_TCP_SDK)).toMatchObject({
      code: 0,
      addr: ["127.0.0.1:6380"],
    });
  });

  it("answers 4440 for a queue or topic that does not exist", async () => {
    expect(await cmq("QueryQueueRoute", { queueName: uniqueName() }, AS_TCP_SDK)).toMatchObject({
      code: 4440,
      message: expect.stringContaining("(10100)"),
    });
    expect(await cmq("QueryTopicRoute", { topicName: uniqueName("t") }, AS_TCP_SDK)).toMatchObject({
      code: 4440,
      message: expect.stringContaining("(10600)"),
    });
  });

  it("does not route another tenant to the first tenant's queue or topic", async () => {
    const queueName = await createQueue();
    const topicName = await createTopic();
    const asB = { ...AS_TCP_SDK, credentials: TENANT_B };
    expect((await cmq("QueryQueueRoute", { queueName }, asB)).code).toBe(4440);
    expect((await cmq("QueryTopicRoute", { topicName }, asB)).code).toBe(4440);
  });

  it("answers a repeated identical request too: a lookup is replay-safe", async () => {
    const queueName = await createQueue();
    const signed = { ...AS_TCP_SDK, nonce: 7, timestamp: Math.floor(Date.now() / 1000) };
    expect((await cmq("QueryQueueRoute", { queueName }, signed)).code).toBe(0);
    expect((await cmq("QueryQueueRoute", { queueName }, signed)).code).toBe(0);
  });

  it("validates the name like every action", async () => {
    expect((await cmq("QueryQueueRoute", {}, AS_TCP_SDK)).code).toBe(4000);
    expect((await cmq("QueryTopicRoute", { topicName: "9lives" }, AS_TCP_SDK)).code).toBe(4000);
  });
});
