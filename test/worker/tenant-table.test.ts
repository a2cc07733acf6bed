/**
 * Tenant isolation, action by action: tenant B calls every action of the action table against the
 * names of tenant A's queue, dead-letter queue, topic and subscription, with otherwise valid
 * parameters. B never reads, changes, deletes, publishes to, subscribes to or routes to A's
 * objects; create actions make B's own object of the same name and leave A's alone. Also: the TCP
 * bridge's token is no CMQ credential, and the bridge route takes nothing but that token.
 */
import { env, exports } from "cloudflare:workers";
import { signedRequest } from "cmq-edge/client/http";
import { beforeAll, describe, expect, it } from "vitest";
import { BRIDGE_ROUTE } from "../../src/contract/bridge-calls";
import { ACTION_NAMES } from "../../src/http/action-table";
import { cmq, ENDPOINT, indexed, type Reply, send, TENANT_A, TENANT_B, uniqueName } from "./cmq";

const BRIDGE_TOKEN = env.CMQ_BRIDGE_TOKEN ?? "cmq-edge-local-bridge-token";
const BRIDGE_URL = new URL(BRIDGE_ROUTE, ENDPOINT).toString();
const APP_A = "1250000000";

/** Tenant A's objects and what B must never see of them. */
interface TenantA {
  prefix: string;
  queue: string;
  dlq: string;
  topic: string;
  sub: string;
  bodies: string[];
  handle: string;
  msgId: string;
  ids: string[];
}

let a: TenantA;
let baseline: Awaited<ReturnType<typeof stateOfA>>;

async function ok(action: string, params: Record<string, string | number>): Promise<Reply> {
  const reply = await cmq(action, params);
  if (reply.code !== 0) throw new Error(`${action}: ${reply.message}`);
  return reply;
}

function withoutRequestId(reply: Reply) {
  const { requestId: _, ...rest } = reply;
  return rest;
}

/** Everything of A's objects that B's calls could change, as A sees it. */
async function stateOfA() {
  const replies = await Promise.all([
    cmq("GetQueueAttributes", { queueName: a.queue }),
    cmq("GetQueueAttributes", { queueName: a.dlq }),
    cmq("GetTopicAttributes", { topicName: a.topic }),
    cmq("GetSubscriptionAttributes", { topicName: a.topic, subscriptionName: a.sub }),
    cmq("ListQueue", { searchWord: a.prefix }),
    cmq("ListTopic", { searchWord: a.prefix }),
    cmq("ListSubscriptionByTopic", { topicName: a.topic }),
    cmq("ListDeadLetterSourceQueues", { deadLetterQueueName: a.dlq }),
    cmq("EdgeGetMessageTrace", { queueName: a.queue, msgId: a.msgId }),
  ]);
  return replies.map(withoutRequestId);
}

beforeAll(async () => {
  const prefix = uniqueName("ta");
  const names = { queue: `${prefix}-q`, dlq: `${prefix}-dlq`, topic: `${prefix}-t`, sub: "sub-a" };
  const bodies = [`A-private-${prefix}-1`, `A-private-${prefix}-2`];
  const dlq = await ok("CreateQueue", { queueName: names.dlq });
  const queue = await ok("CreateQueue", {
    queueName: names.queue,
    visibilityTimeout: 43_200,
    rewindSeconds: 3600,
    trace: 1,
    deadLetterPolicy: JSON.stringify({
      deadLetterQueue: names.dlq,
      policy: 0,
      maxReceiveCount: 5,
    }),
  });
  await ok("BatchSendMessage", { queueName: names.queue, ...indexed("msgBody", bodies) });
  const inFlight = await ok("ReceiveMessage", { queueName: names.queue, pollingWaitSeconds: 0 });
  const topic = await ok("CreateTopic", { topicName: names.topic });
  const sub = await ok("Subscribe", {
    topicName: names.topic,
    subscriptionName: names.sub,
    protocol: "queue",
    endpoint: names.queue,
  });
  a = {
    prefix,
    ...names,
    bodies,
    handle: inFlight.receiptHandle,
    msgId: inFlight.msgId,
    ids: [queue.queueId, dlq.queueId, topic.topicId, sub.subscriptionId],
  };
  baseline = await stateOfA();
});

type Params = Record<string, string | number>;

/**
 * What B's call must answer: `code` for a refusal (nothing but the envelope), `list` for a list of
 * B's own objects that holds none of A's (`empty`: nothing at all), `own` for a create that makes
 * B's own object.
 */
type Outcome = { code: number } | { list: string; empty: boolean } | { own: "queue" | "topic" };

interface Own {
  queue?: string;
  topic?: string;
}

interface Row {
  action: string;
  against: string;
  params: () => Params;
  outcome: Outcome;
  /** B's own objects the call needs, made before and removed after it. */
  own?: () => Own;
}

const queueRows: Row[] = [
  {
    action: "CreateQueue",
    against: "A's queue name",
    params: () => ({ queueName: a.queue }),
    outcome: { own: "queue" },
  },
  {
    action: "CreateQueue",
    against: "A's dead-letter queue as its dead-letter queue",
    params: () => ({
      queueName: `${a.prefix}-b-source`,
      deadLetterPolicy: JSON.stringify({ deadLetterQueue: a.dlq, policy: 0, maxReceiveCount: 1 }),
    }),
    outcome: { code: 4000 },
  },
  {
    action: "DeleteQueue",
    against: "A's queue",
    params: () => ({ queueName: a.queue }),
    outcome: { code: 4440 },
  },
  {
    action: "DeleteQueue",
    against: "A's dead-letter queue",
    params: () => ({ queueName: a.dlq }),
    outcome: { code: 4440 },
  },
  {
    action: "ListQueue",
    against: "A's name",
    params: () => ({ searchWord: a.queue }),
    outcome: { list: "queueList", empty: true },
  },
  {
    action: "ListQueue",
    against: "B's whole list",
    params: () => ({ limit: 50 }),
    outcome: { list: "queueList", empty: false },
  },
  {
    action: "GetQueueAttributes",
    against: "A's queue",
    params: () => ({ queueName: a.queue }),
    outcome: { code: 4440 },
  },
  {
    action: "SetQueueAttributes",
    against: "A's queue",
    params: () => ({ queueName: a.queue, visibilityTimeout: 5, maxMsgSize: 1024 }),
    outcome: { code: 4440 },
  },
  {
    action: "SetQueueAttributes",
    against: "A's dead-letter queue, from B's own queue",
    params: () => ({
      queueName: `${a.prefix}-b-own`,
      deadLetterPolicy: JSON.stringify({ deadLetterQueue: a.dlq, policy: 0, maxReceiveCount: 1 }),
    }),
    outcome: { code: 4000 },
    own: () => ({ queue: `${a.prefix}-b-own` }),
  },
  {
    action: "RewindQueue",
    against: "A's queue",
    params: () => ({ queueName: a.queue, startConsumeTime: Math.floor(Date.now() / 1000) - 60 }),
    outcome: { code: 4440 },
  },
];

const messageRows: Row[] = [
  {
    action: "SendMessage",
    against: "A's queue",
    params: () => ({ queueName: a.queue, msgBody: "from B" }),
    outcome: { code: 4440 },
  },
  {
    action: "BatchSendMessage",
    against: "A's queue",
    params: () => ({ queueName: a.queue, ...indexed("msgBody", ["from B", "again"]) }),
    outcome: { code: 4440 },
  },
  {
    action: "ReceiveMessage",
    against: "A's queue",
    params: () => ({ queueName: a.queue, pollingWaitSeconds: 0 }),
    outcome: { code: 4440 },
  },
  {
    action: "BatchReceiveMessage",
    against: "A's queue",
    params: () => ({ queueName: a.queue, numOfMsg: 16, pollingWaitSeconds: 0 }),
    outcome: { code: 4440 },
  },
  {
    action: "DeleteMessage",
    against: "A's in-flight receipt handle",
    params: () => ({ queueName: a.queue, receiptHandle: a.handle }),
    outcome: { code: 4440 },
  },
  {
    action: "BatchDeleteMessage",
    against: "A's in-flight receipt handle",
    params: () => ({ queueName: a.queue, ...indexed("receiptHandle", [a.handle]) }),
    outcome: { code: 4440 },
  },
];

const topicRows: Row[] = [
  {
    action: "CreateTopic",
    against: "A's topic name",
    params: () => ({ topicName: a.topic }),
    outcome: { own: "topic" },
  },
  {
    action: "DeleteTopic",
    against: "A's topic",
    params: () => ({ topicName: a.topic }),
    outcome: { code: 4440 },
  },
  {
    action: "ListTopic",
    against: "A's name",
    params: () => ({ searchWord: a.topic }),
    outcome: { list: "topicList", empty: true },
  },
  {
    action: "ListTopic",
    against: "B's whole list",
    params: () => ({ limit: 50 }),
    outcome: { list: "topicList", empty: false },
  },
  {
    action: "GetTopicAttributes",
    against: "A's topic",
    params: () => ({ topicName: a.topic }),
    outcome: { code: 4000 },
  },
  {
    action: "SetTopicAttributes",
    against: "A's topic",
    params: () => ({ topicName: a.topic, maxMsgSize: 1024 }),
    outcome: { code: 4000 },
  },
  {
    action: "PublishMessage",
    against: "A's topic",
    params: () => ({ topicName: a.topic, msgBody: "from B" }),
    outcome: { code: 4440 },
  },
  {
    action: "BatchPublishMessage",
    against: "A's topic",
    params: () => ({ topicName: a.topic, ...indexed("msgBody", ["from B", "again"]) }),
    outcome: { code: 4440 },
  },
];

const subscriptionRows: Row[] = [
  {
    action: "Subscribe",
    against: "A's topic, to A's queue",
    params: () => ({
      topicName: a.topic,
      subscriptionName: "intruder",
      protocol: "queue",
      endpoint: a.queue,
    }),
    outcome: { code: 4000 },
  },
  {
    action: "Subscribe",
    against: "A's topic, to an HTTP endpoint",
    params: () => ({
      topicName: a.topic,
      subscriptionName: "intruder",
      protocol: "http",
      endpoint: "http://intruder.test/hook",
    }),
    outcome: { code: 4440 },
  },
  {
    action: "Subscribe",
    against: "A's queue, from B's own topic",
    params: () => ({
      topicName: `${a.prefix}-b-topic`,
      subscriptionName: "intruder",
      protocol: "queue",
      endpoint: a.queue,
    }),
    outcome: { code: 4000 },
    own: () => ({ topic: `${a.prefix}-b-topic` }),
  },
  {
    action: "Unsubscribe",
    against: "A's subscription",
    params: () => ({ topicName: a.topic, subscriptionName: a.sub }),
    outcome: { code: 4440 },
  },
  {
    action: "ListSubscriptionByTopic",
    against: "A's topic",
    params: () => ({ topicName: a.topic }),
    outcome: { list: "subscriptionList", empty: true },
  },
  {
    action: "GetSubscriptionAttributes",
    against: "A's subscription",
    params: () => ({ topicName: a.topic, subscriptionName: a.sub }),
    outcome: { code: 4000 },
  },
  {
    action: "SetSubscriptionAttributes",
    against: "A's subscription",
    params: () => ({
      topicName: a.topic,
      subscriptionName: a.sub,
      notifyStrategy: "BACKOFF_RETRY",
      ...indexed("filterTag", ["b-only"]),
    }),
    outcome: { code: 4000 },
  },
  {
    action: "ClearSubscriptionFilterTags",
    against: "A's subscription",
    params: () => ({ topicName: a.topic, subscriptionName: a.sub }),
    outcome: { code: 4000 },
  },
];

const otherRows: Row[] = [
  {
    action: "QueryQueueRoute",
    against: "A's queue",
    params: () => ({ queueName: a.queue }),
    outcome: { code: 4440 },
  },
  {
    action: "QueryTopicRoute",
    against: "A's topic",
    params: () => ({ topicName: a.topic }),
    outcome: { code: 4440 },
  },
  {
    action: "UnbindDeadLetterQueue",
    against: "A's queue",
    params: () => ({ queueName: a.queue }),
    outcome: { code: 4440 },
  },
  {
    action: "ListDeadLetterSourceQueues",
    against: "A's dead-letter queue",
    params: () => ({ deadLetterQueueName: a.dlq }),
    outcome: { list: "queueList", empty: true },
  },
  {
    action: "EdgeRedriveDeadLetterQueue",
    against: "A's dead-letter queue",
    params: () => ({ queueName: a.dlq, rate: 1000 }),
    outcome: { code: 4440 },
  },
  {
    action: "EdgeGetMessageTrace",
    against: "A's traced message",
    params: () => ({ queueName: a.queue, msgId: a.msgId }),
    outcome: { code: 4440 },
  },
  {
    action: "EdgeGetQueueMetrics",
    against: "A's queue",
    params: () => ({ queueName: a.queue }),
    outcome: { code: 4440 },
  },
  {
    action: "EdgeListQueueMetrics",
    against: "A's queues",
    params: () => ({ searchWord: a.prefix }),
    outcome: { list: "queueList", empty: true },
  },
  {
    action: "EdgeChangeMessageVisibility",
    against: "A's in-flight message",
    params: () => ({ queueName: a.queue, receiptHandle: a.handle, visibilityTimeout: 0 }),
    outcome: { code: 4440 },
  },
  {
    action: "EdgePeekMessages",
    against: "A's queue",
    params: () => ({ queueName: a.queue, numOfMsg: 16, inFlight: 1 }),
    outcome: { code: 4440 },
  },
];

const ROWS = [...queueRows, ...messageRows, ...topicRows, ...subscriptionRows, ...otherRows];

const asB = (action: string, params: Params) => cmq(action, params, { credentials: TENANT_B });

async function makeOwn(own: Own | undefined) {
  if (own?.queue) expect((await asB("CreateQueue", { queueName: own.queue })).code).toBe(0);
  if (own?.topic) expect((await asB("CreateTopic", { topicName: own.topic })).code).toBe(0);
}

async function removeOwn(own: Own | undefined) {
  if (own?.queue) expect((await asB("DeleteQueue", { queueName: own.queue })).code).toBe(0);
  if (own?.topic) expect((await asB("DeleteTopic", { topicName: own.topic })).code).toBe(0);
}

/** Nothing of A's in B's reply: no bodies, no object ids, none of A's names in a list. */
function expectNothingOfA(reply: Reply) {
  const text = JSON.stringify(reply);
  for (const secret of [...a.bodies, ...a.ids]) expect(text).not.toContain(secret);
  expect(reply).not.toHaveProperty("msgBody");
  expect(reply).not.toHaveProperty("msgInfoList");
}

describe("tenant B against tenant A's objects, action by action", () => {
  it("runs against a queue of A's with one visible and one in-flight message, bound to its dead-letter queue", () => {
    expect(baseline[0]).toMatchObject({ code: 0, activeMsgNum: 1, inactiveMsgNum: 1 });
    expect(baseline[7]).toMatchObject({ code: 0, totalCount: 1 });
  });

  it("covers every action in the action table", () => {
    expect([...new Set(ROWS.map((r) => r.action))].sort()).toEqual([...ACTION_NAMES].sort());
  });

  it.each(ROWS.map((row) => ({ ...row, title: `${row.action} on ${row.against}` })))(
    "$title reads and changes nothing of A's",
    async (row) => {
      await makeOwn(row.own?.());
      const reply = await asB(row.action, row.params());
      expectNothingOfA(reply);
      const { outcome } = row;
      if ("code" in outcome) {
        expect(reply).toEqual({
          code: outcome.code,
          message: expect.stringMatching(/^\(\d+\)/),
          requestId: expect.any(String),
        });
      } else if ("list" in outcome) {
        expect(reply.code).toBe(0);
        const names = (reply[outcome.list] as Record<string, string>[]).flatMap((e) =>
          Object.values(e),
        );
        for (const name of [a.queue, a.dlq, a.topic, a.sub]) expect(names).not.toContain(name);
        if (outcome.empty) expect(reply.totalCount).toBe(0);
      } else {
        // B's own object of the same name: empty, with its own id; B removes it again.
        expect(reply.code).toBe(0);
        const name = row.params()[`${outcome.own}Name`] as string;
        const attributes =
          outcome.own === "queue"
            ? await asB("GetQueueAttributes", { queueName: name })
            : await asB("GetTopicAttributes", { topicName: name });
        expect(attributes).toMatchObject({ code: 0, [`${outcome.own}Name`]: name });
        expect(attributes.activeMsgNum ?? attributes.msgCount).toBe(0);
        expectNothingOfA(attributes);
        await removeOwn({ [outcome.own]: name });
      }
      await removeOwn(row.own?.());
      expect(await stateOfA()).toEqual(baseline);
    },
  );
});

describe("the bridge token", () => {
  it("is not a SecretId", async () => {
    const token = { secretId: BRIDGE_TOKEN, secretKey: BRIDGE_TOKEN };
    for (const [action, params] of [
      ["ListQueue", {}],
      ["GetQueueAttributes", { queueName: a.queue }],
      ["ReceiveMessage", { queueName: a.queue, pollingWaitSeconds: 0 }],
    ] as const) {
      const reply = await cmq(action, params, { credentials: token });
      expect(reply).toMatchObject({ code: 4100, message: "(10270)secret id is not existed" });
      expectNothingOfA(reply);
    }
    expect(await stateOfA()).toEqual(baseline);
  });

  it.each([
    ["tenant A", TENANT_A],
    ["tenant B", TENANT_B],
  ])("is not a secret key of %s", async (_, credentials) => {
    const forged = { secretId: credentials.secretId, secretKey: BRIDGE_TOKEN };
    for (const [action, params] of [
      ["GetQueueAttributes", { queueName: a.queue }],
      ["DeleteMessage", { queueName: a.queue, receiptHandle: a.handle }],
      ["SendMessage", { queueName: a.queue, msgBody: "forged" }],
    ] as const) {
      const reply = await cmq(action, params, { credentials: forged });
      expect(reply).toMatchObject({ code: 4100, message: "(10030)authentication failed" });
      expectNothingOfA(reply);
    }
    expect(await stateOfA()).toEqual(baseline);
  });

  it("in an Authorization header does not stand in for a CMQ signature", async () => {
    const request = await signedRequest(
      ENDPOINT,
      TENANT_A,
      "ReceiveMessage",
      { queueName: a.queue, pollingWaitSeconds: 0 },
      { omit: ["Signature"] },
    );
    const body = await request.text();
    const { status, body: reply } = await send(
      new Request(ENDPOINT, {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${BRIDGE_TOKEN}` },
      }),
    );
    expect(status).toBe(200);
    expect(reply).toMatchObject({
      code: 4000,
      message: "(10390)lacked of required parameter Signature",
    });
    expect(await stateOfA()).toEqual(baseline);
  });
});

describe("the bridge route", () => {
  /** A bridge call that would take A's visible message. */
  const receiveCall = () =>
    JSON.stringify({ op: "receive", appId: APP_A, queue: a.queue, max: 16, waitSeconds: 0 });

  async function postBridge(request: Request) {
    const response = await exports.default.fetch(request);
    return { status: response.status, body: await response.text() };
  }

  it.each<[string, () => Record<string, string>]>([
    ["no Authorization header", () => ({})],
    [
      "tenant A's secret key as bearer token",
      () => ({ authorization: `Bearer ${TENANT_A.secretKey}` }),
    ],
    [
      "tenant A's SecretId as bearer token",
      () => ({ authorization: `Bearer ${TENANT_A.secretId}` }),
    ],
    ["the token without Bearer", () => ({ authorization: BRIDGE_TOKEN })],
    ["the token in another header", () => ({ "x-bridge-token": BRIDGE_TOKEN })],
  ])("refuses a call with %s with 401", async (_, headers) => {
    const { status, body } = await postBridge(
      new Request(BRIDGE_URL, { method: "POST", body: receiveCall(), headers: headers() }),
    );
    expect(status).toBe(401);
    expect(body).not.toContain(a.bodies[1]);
    expect(await stateOfA()).toEqual(baseline);
  });

  it.each([
    ["tenant A", TENANT_A],
    ["tenant B", TENANT_B],
  ])("refuses a request CMQ-signed by %s with 401", async (_, credentials) => {
    const request = await signedRequest(BRIDGE_URL, credentials, "ReceiveMessage", {
      queueName: a.queue,
      pollingWaitSeconds: 0,
    });
    const { status, body } = await postBridge(request);
    expect(status).toBe(401);
    expect(body).not.toContain(a.bodies[1]);
    expect(await stateOfA()).toEqual(baseline);
  });

  it("refuses a CMQ signature in the query string of a JSON bridge call with 401", async () => {
    const signed = await signedRequest(
      BRIDGE_URL,
      TENANT_A,
      "ReceiveMessage",
      { queueName: a.queue },
      { method: "GET" },
    );
    const { status } = await postBridge(
      new Request(signed.url, { method: "POST", body: receiveCall() }),
    );
    expect(status).toBe(401);
    expect(await stateOfA()).toEqual(baseline);
  });
});
