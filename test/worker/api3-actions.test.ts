/**
 * API 3.0 through the Worker (src/http/api3): envelope, routing beside API 2.0, signing styles,
 * error codes from the one table, and what is new behind it (purge, tags, QueryType=queue).
 */

import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it } from "vitest";
import { terraformQueueCreate } from "../helpers/terraform-create";
import { api3, api3Ok, api3Request, sendApi3 } from "./api3";
import { cmq, indexed, send, TENANT_A, uniqueName } from "./cmq";

describe("API 3.0 envelope and routing", () => {
  it("answers in the Response envelope, 200 and exactly application/json", async () => {
    const queue = uniqueName("a3");
    const { status, contentType, body } = await sendApi3(
      await api3Request("CreateCmqQueue", { QueueName: queue }),
    );
    expect({ status, contentType }).toEqual({ status: 200, contentType: "application/json" });
    expect(body.Response).toEqual({
      QueueId: expect.stringMatching(/^queue-/),
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("serves the same queue as API 2.0, and API 2.0 still answers a form posted to /", async () => {
    const queue = uniqueName("a3");
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    const v2 = await cmq(
      "SendMessage",
      { queueName: queue, msgBody: "hi" },
      { url: "http://cmq.test/" },
    );
    expect(v2.code).toBe(0);
    const detail = await api3Ok("DescribeCmqQueueDetail", { QueueName: queue });
    expect(detail.QueueDescribe).toMatchObject({ QueueName: queue, ActiveMsgNum: 1 });
  });

  it("takes GET query parameters and the legacy signed form with Version=2020-02-17", async () => {
    const queue = uniqueName("a3");
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    const viaGet = await api3(
      "DescribeCmqQueues",
      { QueueName: queue, Limit: 5 },
      { method: "GET" },
    );
    expect(viaGet).toMatchObject({ TotalCount: 1, QueueList: [{ QueueName: queue }] });
    const legacy = await signedRequest("http://cmq.test/", TENANT_A, "DescribeCmqQueues", {
      Version: "2020-02-17",
      QueueName: queue,
      "QueueNameList.0": queue,
    });
    const response = await send(legacy);
    expect(response.status).toBe(200);
    expect((response.body as unknown as { Response: unknown }).Response).toMatchObject({
      TotalCount: 1,
      QueueList: [{ QueueName: queue }],
    });
  });

  it("maps errors from the one table", async () => {
    const queue = uniqueName("a3");
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    const code = async (action: string, params: Record<string, unknown>, version?: string) =>
      (await api3(action, params, { version })).Error?.Code;
    // Not the create's very request again: within its second that is a replay (next test).
    expect(await code("CreateCmqQueue", { QueueName: queue, Trace: false })).toBe(
      "ResourceInUse.Queue",
    );
    expect(await code("DescribeCmqQueueDetail", { QueueName: uniqueName("none") })).toBe(
      "ResourceNotFound",
    );
    expect(await code("DescribeCmqTopicDetail", { TopicName: uniqueName("none") })).toBe(
      "ResourceNotFound.Topic",
    );
    const topic = uniqueName("t");
    await api3Ok("CreateCmqTopic", { TopicName: topic });
    expect(await code("CreateCmqTopic", { TopicName: topic, MaxMsgSize: 65536 })).toBe(
      "ResourceInUse.Topic",
    );
    expect(await code("DeleteCmqSubscribe", { TopicName: topic, SubscriptionName: "none" })).toBe(
      "ResourceNotFound.Subscription",
    );
    expect(await code("CreateCmqQueue", {})).toBe("MissingParameter");
    expect(await code("CreateCmqQueue", { QueueName: queue, Colour: 1 })).toBe("UnknownParameter");
    expect(await code("CreateCmqQueue", { QueueName: "1bad" })).toBe("InvalidParameterValue");
    expect(await code("CreateCmqQueue", { QueueName: uniqueName(), VisibilityTimeout: "x" })).toBe(
      "InvalidParameter",
    );
    expect(await code("ListQueue", {})).toBe("InvalidAction");
    expect(await code("DescribeCmqQueues", {}, "2017-03-12")).toBe("NoSuchVersion");
    const stale = await api3(
      "DescribeCmqQueues",
      {},
      { timestamp: Math.floor(Date.now() / 1000) - 301 },
    );
    expect(stale.Error?.Code).toBe("AuthFailure.SignatureExpire");
    const wrongKey = await api3(
      "DescribeCmqQueues",
      {},
      { credentials: { ...TENANT_A, secretKey: "wrong" } },
    );
    expect(wrongKey.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect(wrongKey.Error?.Message).toMatch(/canonical request hash [0-9a-f]{64}/);
    expect(wrongKey.Error?.Message).not.toContain(TENANT_A.secretKey);
  });

  it("refuses a state-changing request replayed, and answers reads again", async () => {
    const queue = uniqueName("a3");
    const create = await api3Request("CreateCmqQueue", { QueueName: queue });
    const again = create.clone();
    expect((await sendApi3(create)).body.Response.Error).toBeUndefined();
    const replayed = (await sendApi3(again)).body.Response.Error;
    expect(replayed?.Code).toBe("AuthFailure.SignatureFailure");
    expect(replayed?.Message).toMatch(/already executed/);
    const read = await api3Request("DescribeCmqQueueDetail", { QueueName: queue });
    const readAgain = read.clone();
    await sendApi3(read);
    expect((await sendApi3(readAgain)).body.Response.Error).toBeUndefined();
  });

  // TC3 signs no nonce: an application sending one body twice in a second sends identical requests.
  it("stores both of two identical SendCmqMsg and PublishCmqMsg requests signed in one second", async () => {
    const queue = uniqueName("a3");
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    const send = await api3Request("SendCmqMsg", {
      QueueName: queue,
      MsgContent: "same",
      DelaySeconds: 0,
    });
    const sendAgain = send.clone();
    expect((await sendApi3(send)).body.Response.Error).toBeUndefined();
    expect((await sendApi3(sendAgain)).body.Response.Error).toBeUndefined();
    const topic = uniqueName("a3t");
    await api3Ok("CreateCmqTopic", { TopicName: topic });
    await api3Ok("CreateCmqSubscribe", {
      TopicName: topic,
      SubscriptionName: "s",
      Protocol: "queue",
      Endpoint: queue,
    });
    const publish = await api3Request("PublishCmqMsg", { TopicName: topic, MsgContent: "again" });
    const publishAgain = publish.clone();
    expect((await sendApi3(publish)).body.Response.Error).toBeUndefined();
    expect((await sendApi3(publishAgain)).body.Response.Error).toBeUndefined();
    const detail = await api3Ok("DescribeCmqQueueDetail", { QueueName: queue });
    expect(detail.QueueDescribe).toMatchObject({ ActiveMsgNum: expect.any(Number) });
    expect((detail.QueueDescribe as { ActiveMsgNum: number }).ActiveMsgNum).toBeGreaterThanOrEqual(
      2,
    );
  });

  // X-TC-Action is not signed: a create and a delete of one queue within the same second carry
  // the same signature, and were refused as a replay of each other.
  it("does not take two actions with the same body in the same second for a replay", async () => {
    const queue = uniqueName("a3");
    const timestamp = Math.floor(Date.now() / 1000);
    const create = await sendApi3(
      await api3Request("CreateCmqQueue", { QueueName: queue }, { timestamp }),
    );
    const remove = await sendApi3(
      await api3Request("DeleteCmqQueue", { QueueName: queue }, { timestamp }),
    );
    expect([create.body.Response.Error, remove.body.Response.Error]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it("takes a Terraform-shaped create, every optional field at its zero value", async () => {
    const queue = uniqueName("tf");
    const created = await api3("CreateCmqQueue", terraformQueueCreate(queue));
    expect(created.Error).toBeUndefined();
    const detail = (await api3Ok("DescribeCmqQueueDetail", { QueueName: queue })).QueueDescribe;
    expect(detail).toMatchObject({
      MsgRetentionSeconds: 3600,
      MaxMsgSize: 65_536,
      DeadLetterPolicy: null,
      Trace: false,
      TenantId: "cmq-1250000000",
      NamespaceName: `CMQ_QUEUE-${queue}`,
    });
  });
});

describe("API 3.0: what is new behind it", () => {
  it("ClearCmqQueue removes every message and the queue keeps its settings", async () => {
    const queue = uniqueName("clr");
    await api3Ok("CreateCmqQueue", { QueueName: queue, VisibilityTimeout: 600 });
    await cmq("BatchSendMessage", { queueName: queue, ...indexed("msgBody", ["a", "b", "c"]) });
    await cmq("ReceiveMessage", { queueName: queue, pollingWaitSeconds: 0 });
    await api3Ok("ClearCmqQueue", { QueueName: queue });
    const after = (await api3Ok("DescribeCmqQueueDetail", { QueueName: queue })).QueueDescribe;
    expect(after).toMatchObject({ ActiveMsgNum: 0, InactiveMsgNum: 0, VisibilityTimeout: 600 });
    await api3Ok("SendCmqMsg", { QueueName: queue, MsgContent: "after", DelaySeconds: 0 });
    const got = await cmq("ReceiveMessage", { queueName: queue, pollingWaitSeconds: 0 });
    expect(got.msgBody).toBe("after");
  });

  it("filters queues by tag, by name list, and pages them", async () => {
    const prefix = uniqueName("tag");
    const tag = { TagKey: "team", TagValue: prefix };
    for (const i of [1, 2, 3]) {
      await api3Ok("CreateCmqQueue", {
        QueueName: `${prefix}-${i}`,
        Tags: i === 2 ? [] : [tag, { TagKey: "n", TagValue: String(i) }],
      });
    }
    const tagged = await api3Ok("DescribeCmqQueues", {
      Filters: [{ Name: "tag:team", Values: [prefix] }],
      Limit: 1,
      Offset: 1,
    });
    expect(tagged.TotalCount).toBe(2);
    expect(tagged.QueueList).toEqual([
      expect.objectContaining({
        QueueName: `${prefix}-3`,
        Tags: [tag, { TagKey: "n", TagValue: "3" }].sort((a, b) => (a.TagKey < b.TagKey ? -1 : 1)),
      }),
    ]);
    const listed = await api3Ok("DescribeCmqQueues", {
      QueueName: prefix,
      QueueNameList: [`${prefix}-2`, `${prefix}-3`],
    });
    expect((listed.QueueList as { QueueName: string }[]).map((q) => q.QueueName)).toEqual([
      `${prefix}-2`,
      `${prefix}-3`,
    ]);
    expect((await api3("DescribeCmqQueues", { Limit: 51 })).Error?.Code).toBe(
      "InvalidParameterValue",
    );
  });

  it("describes a queue as Tencent does: times in ms, MinMsgTime in seconds, unset fields null", async () => {
    const queue = uniqueName("fields");
    const dlq = uniqueName("fields-dlq");
    await api3Ok("CreateCmqQueue", { QueueName: dlq });
    const before = Date.now();
    await api3Ok("CreateCmqQueue", {
      QueueName: queue,
      DeadLetterQueueName: dlq,
      Policy: 0,
      MaxReceiveCount: 2,
    });
    await api3Ok("SendCmqMsg", { QueueName: queue, MsgContent: "hi", DelaySeconds: 0 });
    const after = Date.now();
    const detail = await api3Ok("DescribeCmqQueueDetail", { QueueName: queue });
    const q = detail.QueueDescribe as Record<string, number | null | object>;
    expect(q.CreateTime).toBeGreaterThanOrEqual(before - 1000);
    expect(q.CreateTime).toBeLessThanOrEqual(after + 1000);
    expect(q.LastModifyTime).toBe(q.CreateTime);
    expect(q.MinMsgTime).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1);
    expect(q.MinMsgTime).toBeLessThanOrEqual(Math.ceil(after / 1000) + 1);
    // TDMQ's default for a queue API 3.0 creates, reported as stored.
    expect(q.MsgRetentionSeconds).toBe(3600);
    expect(q).toMatchObject({ Qps: null, Bps: null, CreateUin: null, MaxUnackedMsgNum: null });
    expect(q.DeadLetterPolicy).toEqual({
      DeadLetterQueue: dlq,
      Policy: 0,
      MaxReceiveCount: 2,
      MaxTimeToLive: null,
    });
  });

  it("takes MsgRetentionSeconds in TDMQ's 30-43200 s, and refuses what is outside", async () => {
    const code = async (seconds: number) =>
      (await api3("CreateCmqQueue", { QueueName: uniqueName("ret"), MsgRetentionSeconds: seconds }))
        .Error?.Code;
    expect(await code(30)).toBeUndefined();
    expect(await code(43200)).toBeUndefined();
    expect(await code(29)).toBe("InvalidParameterValue");
    expect(await code(43201)).toBe("InvalidParameterValue");
  });

  it("DescribeCmqDeadLetterSourceQueues lists, searches and pages a dead-letter queue's sources", async () => {
    const dlq = uniqueName("dlq");
    await api3Ok("CreateCmqQueue", { QueueName: dlq });
    const prefix = uniqueName("src");
    const sources = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const name of sources) {
      await api3Ok("CreateCmqQueue", {
        QueueName: name,
        DeadLetterQueueName: dlq,
        Policy: 0,
        MaxReceiveCount: 3,
      });
    }
    await api3Ok("CreateCmqQueue", { QueueName: uniqueName("unbound") });
    const all = await api3Ok("DescribeCmqDeadLetterSourceQueues", { DeadLetterQueueName: dlq });
    expect(all.TotalCount).toBe(3);
    const listed = all.QueueSet as { QueueId: string; QueueName: string }[];
    expect(listed.map((q) => q.QueueName).sort()).toEqual(sources);
    expect(listed[0]?.QueueId).toMatch(/^queue-/);
    const found = await api3Ok("DescribeCmqDeadLetterSourceQueues", {
      DeadLetterQueueName: dlq,
      SourceQueueName: `${prefix}-b`,
    });
    expect(found).toMatchObject({ TotalCount: 1, QueueSet: [{ QueueName: `${prefix}-b` }] });
    const page = await api3Ok("DescribeCmqDeadLetterSourceQueues", {
      DeadLetterQueueName: dlq,
      Offset: 1,
      Limit: 1,
    });
    expect(page.TotalCount).toBe(3);
    expect(page.QueueSet).toHaveLength(1);
    await api3Ok("UnbindCmqDeadLetter", { SourceQueueName: `${prefix}-a` });
    const after = await api3Ok("DescribeCmqDeadLetterSourceQueues", { DeadLetterQueueName: dlq });
    expect(after.TotalCount).toBe(2);
  });

  it("lists the subscriptions that push into a queue (QueryType=queue), API 2.0's included", async () => {
    const queue = uniqueName("qsub");
    const [t1, t2] = [uniqueName("t"), uniqueName("t")];
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    await api3Ok("CreateCmqTopic", { TopicName: t1 });
    await api3Ok("CreateCmqTopic", { TopicName: t2 });
    await api3Ok("CreateCmqSubscribe", {
      TopicName: t1,
      SubscriptionName: "s1",
      Protocol: "queue",
      Endpoint: queue,
      NotifyContentFormat: "JSON",
    });
    const v2 = await cmq("Subscribe", {
      topicName: t2,
      subscriptionName: "s2",
      protocol: "queue",
      endpoint: queue,
    });
    expect(v2.code).toBe(0);
    const pushing = await api3Ok("DescribeCmqSubscriptionDetail", {
      QueryType: "queue",
      QueueName: queue,
    });
    expect(pushing.TotalCount).toBe(2);
    expect(pushing.SubscriptionSet).toEqual([
      expect.objectContaining({
        TopicName: t1,
        SubscriptionName: "s1",
        Endpoint: queue,
        NotifyContentFormat: "SIMPLIFIED",
      }),
      expect.objectContaining({ TopicName: t2, SubscriptionName: "s2", Protocol: "queue" }),
    ]);
    await cmq("Unsubscribe", { topicName: t2, subscriptionName: "s2" });
    const after = await api3Ok("DescribeCmqSubscriptionDetail", {
      QueryType: "queue",
      QueueName: queue,
    });
    expect(after).toMatchObject({ TotalCount: 1, SubscriptionSet: [{ TopicName: t1 }] });
  });

  it("publishes with MsgTag as tags, or as the routing key of a routing topic", async () => {
    const queue = uniqueName("pub");
    const topic = uniqueName("rt");
    await api3Ok("CreateCmqQueue", { QueueName: queue });
    await api3Ok("CreateCmqTopic", { TopicName: topic, FilterType: 2 });
    await api3Ok("CreateCmqSubscribe", {
      TopicName: topic,
      SubscriptionName: "s",
      Protocol: "queue",
      Endpoint: queue,
      BindingKey: ["order.*"],
    });
    const published = await api3Ok("PublishCmqMsg", {
      TopicName: topic,
      MsgContent: "m",
      MsgTag: ["order.eu"],
    });
    expect(published).toMatchObject({ Result: true, MsgId: expect.stringMatching(/^\d+$/) });
    const missed = await api3("PublishCmqMsg", {
      TopicName: topic,
      MsgContent: "m",
      MsgTag: ["other"],
    });
    expect(missed.Error?.Code).toBe("FailedOperation");
    const two = await api3("PublishCmqMsg", {
      TopicName: topic,
      MsgContent: "m",
      MsgTag: ["a", "b"],
    });
    expect(two.Error?.Code).toBe("InvalidParameterValue");
  });
});
