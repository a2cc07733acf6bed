/**
 * GET /metrics as a Prometheus scraper meets it, read with a real text-format parser
 * (test/helpers/prometheus.ts): the metrics token scrapes every tenant, a signed request its own,
 * anything else is refused; queue depth and totals (which outlive the object), subscription
 * counts and long-poll waiters are the numbers the queues and topics hold.
 */

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type Credentials, signedRequest } from "cmq-edge/client/http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../src/objects/clock";
import { parseExposition } from "../helpers/prometheus";
import { cmq, createQueue, ENDPOINT, indexed, TENANT_A, TENANT_B, uniqueName } from "./cmq";
import { parkedReceivers, queueStub, topicStub } from "./objects";
import { useTestClock } from "./test-clock";

const testClock = useTestClock();

const METRICS_URL = new URL("/metrics", ENDPOINT).toString();

afterEach(() => {
  vi.restoreAllMocks();
});

async function scrape(init: RequestInit = {}) {
  return exports.default.fetch(new Request(METRICS_URL, init));
}

async function scrapeWithToken() {
  const response = await scrape({ headers: { authorization: `Bearer ${env.CMQ_METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

async function signedScrape(credentials: Credentials = TENANT_A, signedPath = METRICS_URL) {
  const request = await signedRequest(
    signedPath,
    credentials,
    "",
    {},
    {
      method: "GET",
      omit: ["Action"],
      timestamp: Math.floor(clock.now() / 1000),
    },
  );
  return exports.default.fetch(new Request(request.url.replace(signedPath, METRICS_URL)));
}

async function ok(
  action: string,
  params: Record<string, string | number>,
  credentials: Credentials = TENANT_A,
) {
  const reply = await cmq(action, params, { credentials });
  if (reply.code !== 0) throw new Error(`${action}: ${reply.code} ${reply.message}`);
  return reply;
}

const queueLabels = (queue: string, tenant = TENANT_A.appId) => ({ tenant, queue });

describe("GET /metrics with the metrics token", () => {
  it("serves every tenant's queues: depth gauges and stored totals", async () => {
    const queueName = await createQueue({ visibilityTimeout: 600 });
    await ok("BatchSendMessage", { queueName, ...indexed("msgBody", ["a", "b", "c", "d"]) });
    await ok("SendMessage", { queueName, msgBody: "later", delaySeconds: 600 });
    const got = await ok("BatchReceiveMessage", { queueName, numOfMsg: 2, pollingWaitSeconds: 0 });
    await ok("DeleteMessage", { queueName, receiptHandle: got.msgInfoList[0].receiptHandle });
    const other = uniqueName();
    await ok("CreateQueue", { queueName: other }, TENANT_B);
    await ok("SendMessage", { queueName: other, msgBody: "b" }, TENANT_B);

    const m = await scrapeWithToken();
    const mine = queueLabels(queueName);
    expect(m.type("cmq_edge_queue_messages_active")).toBe("gauge");
    expect(m.type("cmq_edge_queue_messages_sent_total")).toBe("counter");
    expect({
      active: m.value("cmq_edge_queue_messages_active", mine),
      inflight: m.value("cmq_edge_queue_messages_inflight", mine),
      delayed: m.value("cmq_edge_queue_messages_delayed", mine),
      deadLetter: m.value("cmq_edge_queue_messages_dead_letter", mine),
      sent: m.value("cmq_edge_queue_messages_sent_total", mine),
      received: m.value("cmq_edge_queue_messages_received_total", mine),
      deleted: m.value("cmq_edge_queue_messages_deleted_total", mine),
      expired: m.value("cmq_edge_queue_messages_expired_total", mine),
      deadLettered: m.value("cmq_edge_queue_messages_dead_lettered_total", mine),
      redriven: m.value("cmq_edge_queue_messages_redriven_total", mine),
    }).toEqual({
      active: 2,
      inflight: 1,
      delayed: 1,
      deadLetter: 0,
      sent: 5,
      received: 2,
      deleted: 1,
      expired: 0,
      deadLettered: 0,
      redriven: 0,
    });
    expect(m.value("cmq_edge_queue_messages_sent_total", queueLabels(other, "1250000001"))).toBe(1);
  });

  it("reads the counters back from storage after the queue object restarts", async () => {
    const queueName = await createQueue();
    await ok("BatchSendMessage", { queueName, ...indexed("msgBody", ["1", "2", "3"]) });
    await ok("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    await evictDurableObject(queueStub(queueName));
    const m = await scrapeWithToken();
    expect(m.value("cmq_edge_queue_messages_sent_total", queueLabels(queueName))).toBe(3);
    expect(m.value("cmq_edge_queue_messages_received_total", queueLabels(queueName))).toBe(1);
  });

  it("counts a dead-letter move in the source and the dead letter held in its queue", async () => {
    const dlq = await createQueue();
    const queueName = await createQueue({
      visibilityTimeout: 1,
      deadLetterPolicy: JSON.stringify({ deadLetterQueue: dlq, policy: 0, maxReceiveCount: 1 }),
    });
    await ok("SendMessage", { queueName, msgBody: "poison" });
    await ok("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    // Visible again a second later: that receive marks it for the dead-letter queue instead.
    testClock.advance(2_000);
    const diverted = await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 });
    expect(diverted.code).toBe(7000);
    await runDurableObjectAlarm(queueStub(queueName));
    await vi.waitFor(async () => {
      const m = await scrapeWithToken();
      expect(m.value("cmq_edge_queue_messages_dead_lettered_total", queueLabels(queueName))).toBe(
        1,
      );
      expect(m.value("cmq_edge_queue_messages_dead_letter", queueLabels(dlq))).toBe(1);
    });
  });

  it("serves each subscription's delivered, failed, dropped and pending counts", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      async () => new Response("down", { status: 500 }),
    );
    const target = await createQueue();
    const topicName = uniqueName("t");
    await ok("CreateTopic", { topicName });
    await ok("Subscribe", {
      topicName,
      subscriptionName: "q",
      protocol: "queue",
      endpoint: target,
    });
    await ok("Subscribe", {
      topicName,
      subscriptionName: "web",
      protocol: "http",
      endpoint: "http://down.test/",
    });
    await ok("PublishMessage", { topicName, msgBody: "x" });
    await runDurableObjectAlarm(topicStub(topicName));
    const labels = (subscription: string) => ({
      tenant: TENANT_A.appId,
      topic: topicName,
      subscription,
    });
    await vi.waitFor(async () => {
      const m = await scrapeWithToken();
      expect(m.value("cmq_edge_subscription_messages_delivered_total", labels("q"))).toBe(1);
      expect(m.value("cmq_edge_subscription_messages_pending", labels("q"))).toBe(0);
      expect(m.value("cmq_edge_subscription_delivery_failures_total", labels("web"))).toBe(1);
      expect(m.value("cmq_edge_subscription_messages_pending", labels("web"))).toBe(1);
      expect(m.value("cmq_edge_subscription_messages_dropped_total", labels("web"))).toBe(0);
      expect(m.value("cmq_edge_topic_messages", { tenant: TENANT_A.appId, topic: topicName })).toBe(
        1,
      );
      expect(m.value("cmq_edge_queue_messages_sent_total", queueLabels(target))).toBe(1);
    });
  });

  it("shows a long poll waiting on the queue", async () => {
    const queueName = await createQueue();
    const waiting = cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 10 });
    await vi.waitFor(async () =>
      expect(await runInDurableObject(queueStub(queueName), (o) => parkedReceivers(o))).toBe(1),
    );
    const m = await scrapeWithToken();
    expect(m.value("cmq_edge_queue_waiting_receivers", queueLabels(queueName))).toBe(1);
    await ok("SendMessage", { queueName, msgBody: "wake" });
    expect((await waiting).code).toBe(0);
  });

  it("gathers a tenant with more queues than one catalog call takes", async () => {
    const prefix = uniqueName("many");
    const names = Array.from({ length: 130 }, (_, i) => `${prefix}-${i}`);
    for (const queueName of names) await ok("CreateQueue", { queueName }, TENANT_B);
    const m = await scrapeWithToken();
    const listed = m
      .series("cmq_edge_queue_messages_active", { tenant: "1250000001" })
      .map((s) => s.labels.queue);
    expect(names.filter((n) => !listed.includes(n))).toEqual([]);
    expect(m.value("cmq_edge_scrape_unreachable_objects", { tenant: "1250000001" })).toBe(0);
  });
});

describe("GET /metrics signed as a CMQ request", () => {
  it("serves the signer's tenant only", async () => {
    const queueName = await createQueue();
    const response = await signedScrape(TENANT_B);
    expect(response.status).toBe(200);
    const m = parseExposition(await response.text());
    const tenants = new Set(m.series("cmq_edge_queue_messages_active").map((s) => s.labels.tenant));
    expect([...tenants]).toEqual(["1250000001"]);
    expect(m.value("cmq_edge_queue_messages_active", queueLabels(queueName))).toBeUndefined();
  });
});

describe("GET /metrics refuses", () => {
  it.each([
    ["no credentials at all", () => scrape()],
    ["a wrong token", () => scrape({ headers: { authorization: "Bearer not-the-token" } })],
    [
      "the bridge token",
      () => scrape({ headers: { authorization: `Bearer ${env.CMQ_BRIDGE_TOKEN}` } }),
    ],
    // Signed for another path: the signature covers the path.
    ["a signature made for another path", () => signedScrape(TENANT_A, ENDPOINT)],
  ])("%s, with 401 and the reason", async (_what, attempt) => {
    const response = await attempt();
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(/^\(\d+\)\S/);
  });
});
