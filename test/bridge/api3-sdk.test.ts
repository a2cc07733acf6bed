/**
 * The official Tencent Cloud Node SDK's tdmq client (tencentcloud-sdk-nodejs, unmodified) against
 * a real local Worker with `endpoint: "127.0.0.1:<port>"`, `protocol: "http://"`: every one of its
 * 20 CMQ actions, the same queue over API 2.0 and TCP, and the errors its users rely on.
 */
import { tdmq } from "tencentcloud-sdk-nodejs/tencentcloud/services/tdmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { terraformQueueCreate } from "../helpers/terraform-create";
import { CREDENTIALS, type Stack, startStack } from "./stack";

type TdmqClient = InstanceType<typeof tdmq.v20200217.Client>;

let stack: Stack;
let client: TdmqClient;
const called = new Set<string>();

function sdkClient(secretKey = CREDENTIALS.secretKey): TdmqClient {
  const endpoint = new URL(stack.worker.url).host;
  const raw = new tdmq.v20200217.Client({
    credential: { secretId: CREDENTIALS.secretId, secretKey },
    region: "",
    profile: { httpProfile: { endpoint, protocol: "http://" } },
  });
  // Records which actions the tests drove, to check all 20 were.
  return new Proxy(raw, {
    get(target, key, receiver) {
      const member = Reflect.get(target, key, receiver);
      if (typeof key === "string" && key.includes("Cmq") && typeof member === "function") {
        return (...args: unknown[]) => {
          called.add(key);
          return member.apply(target, args);
        };
      }
      return member;
    },
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `no code: ${String(error)}`;
  }
  return "no error";
}

beforeAll(async () => {
  stack = await startStack();
  client = sdkClient();
});
afterAll(async () => {
  await stack?.stop();
});

describe("the official Node SDK's tdmq client", () => {
  it("manages a queue and reads the counts of messages sent over API 2.0 and pulled over TCP", async () => {
    const queue = stack.name("sdkq");
    const dlq = stack.name("sdkdlq");
    const { QueueId } = await client.CreateCmqQueue({
      QueueName: queue,
      Tags: [{ TagKey: "env", TagValue: "test" }],
    });
    expect(QueueId).toMatch(/^queue-/);
    await client.CreateCmqQueue({ QueueName: dlq });
    await client.ModifyCmqQueueAttribute({
      QueueName: queue,
      VisibilityTimeout: 120,
      RewindSeconds: 3600,
      MsgRetentionSeconds: 7200,
      DeadLetterQueueName: dlq,
      Policy: 0,
      MaxReceiveCount: 5,
    });
    const listed = await client.DescribeCmqQueues({ QueueNameList: [queue, dlq], Limit: 50 });
    expect(listed.TotalCount).toBe(2);
    const dead = listed.QueueList?.find((q) => q.QueueName === dlq);
    expect(dead?.DeadLetterSource).toEqual([{ QueueId, QueueName: queue }]);
    await client.UnbindCmqDeadLetter({ SourceQueueName: queue });

    const sent = await client.SendCmqMsg({
      QueueName: queue,
      MsgContent: "via api3",
      DelaySeconds: 0,
    });
    expect(sent).toMatchObject({ Result: true, MsgId: expect.stringMatching(/^\d+$/) });
    await stack.http.sendMessage(queue, "via api2");
    const tcp = await stack.tcp();
    const pulled = await tcp.pull(queue, 1);
    expect(new TextDecoder().decode(pulled?.body)).toBe("via api3");
    const { QueueDescribe } = await client.DescribeCmqQueueDetail({ QueueName: queue });
    expect(QueueDescribe).toMatchObject({
      QueueName: queue,
      ActiveMsgNum: 1,
      InactiveMsgNum: 1,
      VisibilityTimeout: 120,
      MsgRetentionSeconds: 7200,
      DeadLetterPolicy: null,
      Tags: [{ TagKey: "env", TagValue: "test" }],
    });
    await tcp.delete(queue, pulled?.receiptHandle ?? 0n);
    await client.RewindCmqQueue({
      QueueName: queue,
      StartConsumeTime: Math.floor(Date.now() / 1000) - 60,
    });
    expect(
      (await client.DescribeCmqQueueDetail({ QueueName: queue })).QueueDescribe?.ActiveMsgNum,
    ).toBe(2);
    await client.ClearCmqQueue({ QueueName: queue });
    expect((await client.DescribeCmqQueueDetail({ QueueName: queue })).QueueDescribe).toMatchObject(
      {
        ActiveMsgNum: 0,
        InactiveMsgNum: 0,
      },
    );
    await client.DeleteCmqQueue({ QueueName: queue });
    await client.DeleteCmqQueue({ QueueName: dlq });
    expect(await codeOf(client.DescribeCmqQueueDetail({ QueueName: queue }))).toBe(
      "ResourceNotFound",
    );
  });

  it("manages topics and subscriptions, and publishes into a subscribed queue", async () => {
    const queue = stack.name("sdksq");
    const topic = stack.name("sdkt");
    await client.CreateCmqQueue({ QueueName: queue });
    const { TopicId } = await client.CreateCmqTopic({
      TopicName: topic,
      Tags: [{ TagKey: "team", TagValue: topic }],
    });
    expect(TopicId).toMatch(/^topic-/);
    await client.ModifyCmqTopicAttribute({
      TopicName: topic,
      MsgRetentionSeconds: 3600,
      Trace: true,
    });
    const topics = await client.DescribeCmqTopics({
      Filters: [{ Name: "tag:team", Values: [topic] }],
    });
    expect(topics).toMatchObject({ TotalCount: 1, TopicList: [{ TopicName: topic, TopicId }] });
    const { SubscriptionId } = await client.CreateCmqSubscribe({
      TopicName: topic,
      SubscriptionName: "sub",
      Protocol: "queue",
      Endpoint: queue,
      NotifyContentFormat: "SIMPLIFIED",
    });
    expect(SubscriptionId).toMatch(/^subscription-/);
    await client.ModifyCmqSubscriptionAttribute({
      TopicName: topic,
      SubscriptionName: "sub",
      FilterTags: ["x"],
    });
    const byTopic = await client.DescribeCmqSubscriptionDetail({
      TopicName: topic,
      SubscriptionName: "sub",
    });
    expect(byTopic.SubscriptionSet?.[0]).toMatchObject({
      SubscriptionName: "sub",
      FilterTags: ["x"],
    });
    await client.ClearCmqSubscriptionFilterTags({ TopicName: topic, SubscriptionName: "sub" });
    const byQueue = await client.DescribeCmqSubscriptionDetail({
      QueryType: "queue",
      QueueName: queue,
    });
    expect(byQueue).toMatchObject({
      TotalCount: 1,
      SubscriptionSet: [{ TopicName: topic, SubscriptionId, FilterTags: [] }],
    });
    expect(await client.PublishCmqMsg({ TopicName: topic, MsgContent: "fan-out" })).toMatchObject({
      Result: true,
    });
    const tcp = await stack.tcp();
    const delivered = await tcp.pull(queue, 10);
    expect(new TextDecoder().decode(delivered?.body)).toBe("fan-out");
    const { TopicDescribe } = await client.DescribeCmqTopicDetail({ TopicName: topic });
    expect(TopicDescribe).toMatchObject({
      MsgRetentionSeconds: 3600,
      Trace: true,
      SubscriptionCount: 1,
    });
    await client.DeleteCmqSubscribe({ TopicName: topic, SubscriptionName: "sub" });
    await client.DeleteCmqTopic({ TopicName: topic });
    await client.DeleteCmqQueue({ QueueName: queue });
    expect(await codeOf(client.DescribeCmqTopicDetail({ TopicName: topic }))).toBe(
      "ResourceNotFound.Topic",
    );
  });

  it("answers duplicates, wrong keys and stale timestamps with the codes SDK users check", async () => {
    const queue = stack.name("sdke");
    await client.CreateCmqQueue({ QueueName: queue });
    expect(await codeOf(client.CreateCmqQueue({ QueueName: queue, VisibilityTimeout: 30 }))).toBe(
      "ResourceInUse.Queue",
    );
    expect(await codeOf(sdkClient("wrong-key").DescribeCmqQueues({}))).toBe(
      "AuthFailure.SignatureFailure",
    );
    // The SDK stamps X-TC-Timestamp from its clock: set it back past the 300 s window.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 400_000);
    try {
      expect(await codeOf(client.DescribeCmqQueues({}))).toBe("AuthFailure.SignatureExpire");
    } finally {
      vi.useRealTimers();
    }
    await client.DeleteCmqQueue({ QueueName: queue });
  });

  it("takes a Terraform-shaped create with every optional field at its zero value", async () => {
    const queue = stack.name("sdktf");
    await client.CreateCmqQueue(terraformQueueCreate(queue));
    const { QueueDescribe } = await client.DescribeCmqQueueDetail({ QueueName: queue });
    expect(QueueDescribe).toMatchObject({
      MaxMsgHeapNum: 10_000_000,
      MsgRetentionSeconds: 3600,
      Trace: false,
    });
    await client.DeleteCmqQueue({ QueueName: queue });
  });

  it("drove every CMQ action of the client", () => {
    const all = Object.getOwnPropertyNames(tdmq.v20200217.Client.prototype).filter((n) =>
      n.includes("Cmq"),
    );
    expect(all).toHaveLength(20);
    expect([...called].sort()).toEqual(all.sort());
  });
});
