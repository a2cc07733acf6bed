/**
 * Property-based fuzzing of every action in the action table, signed as tenant A so requests get
 * past authentication. Each generated request mixes valid values, missing, repeated, oversized,
 * mistyped and unicode parameters, `name.N` arrays with gaps, and unknown extras. Every reply must
 * be CMQ's envelope (HTTP 200, integer code from the error table, never 6000 internal error), and a
 * failed request must leave the fixture (a queue with messages and one in flight, its dead-letter
 * queue, a topic with a queue subscription) exactly as it was.
 *
 * Runs: FUZZ_RUNS per action. The workers pool does not pass process.env through; Vite exposes
 * `VITE_`-prefixed variables as import.meta.env, so a long run is
 * `VITE_CMQ_FUZZ_RUNS=500 npx vitest run --project worker test/worker/fuzz-actions.test.ts`.
 */

import { signedRequest } from "cmq-edge/client/http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACTION_NAMES } from "../../src/http/action-table";
import { API3_ACTION_NAMES, findApi3Action } from "../../src/http/api3/api3-actions";
import { api3Ok, api3Request, sendApi3 } from "./api3";
import { cmq, ENDPOINT, indexed, type Reply, send, TENANT_A, uniqueName } from "./cmq";

const DEFAULT_RUNS = 10;
const metaEnv = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env;
const FUZZ_RUNS =
  Number.parseInt(metaEnv?.VITE_CMQ_FUZZ_RUNS ?? metaEnv?.CMQ_FUZZ_RUNS ?? "", 10) || DEFAULT_RUNS;
const SEED = 20_261_125;

/** Every code the error table (src/domain/errors.ts) can produce, except 6000 (internal error). */
const EXPECTED_CODES = [
  0, 4000, 4100, 4400, 4410, 4420, 4430, 4440, 4450, 4470, 4490, 4500, 4510, 6010, 6020, 6030, 6050,
  7000,
];

/** Common parameters signedRequest adds; extras never use these names. */
const COMMON = new Set([
  "Action",
  "SecretId",
  "Signature",
  "SignatureMethod",
  "Timestamp",
  "Nonce",
  "RequestClient",
]);

// ---------------------------------------------------------------------------------------------
// Generated values: plain text, or a reference resolved against the live fixture when sent.

type RefName = "queue" | "dlq" | "topic" | "sub" | "freshQueue" | "freshTopic" | "freshSub";
type Val =
  | string
  | { ref: RefName }
  | { ref: "handle" | "msgId" }
  | { repeat: string; times: number }
  | { secondsAgo: number }
  | { policy: Record<string, unknown>; target: "dlq" | "queue" | "freshQueue" | "raw" };
type Pair = [string, Val];

interface RequestSpec {
  action: string;
  pairs: Pair[];
}

type Arb<T> = fc.Arbitrary<T>;

const ref = (name: RefName | "handle" | "msgId"): Arb<Val> => fc.constant({ ref: name } as Val);
const text = (values: readonly string[]): Arb<Val> => fc.constantFrom(...values);
const ints = (arb: Arb<number | bigint>): Arb<Val> => arb.map(String);

/** Values of the wrong shape for almost any parameter. */
const junk: Arb<Val> = fc.oneof(
  text([
    "",
    " ",
    "-1",
    "-0",
    "1.5",
    "1e3",
    "0x10",
    "+7",
    " 7",
    "7 ",
    "NaN",
    "Infinity",
    "null",
    "[]",
    "{}",
    "true",
    "99999999999999999999",
    "18446744073709551616",
    "9007199254740993",
    "١٢",
    "７",
    "%41",
    "a&b=c",
  ]),
  ints(fc.integer()),
  ints(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n })),
  fc.double().map(String),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.string({ unit: "binary-ascii", maxLength: 16 }),
  fc
    .tuple(fc.constantFrom("x", "é", "😀", "\u0000"), fc.constantFrom(65, 1025, 65_537))
    .map(([c, times]): Val => ({ repeat: c, times })),
);

/** A value of the right kind but far too large (bodies, names, tags). */
const huge: Arb<Val> = fc
  .tuple(fc.constantFrom("x", "é"), fc.constantFrom(65_537, 1_048_577))
  .map(([c, times]): Val => ({ repeat: c, times }));

const randomValidName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
const badName: Arb<Val> = fc.oneof(
  text(["1queue", "-q", "q q", "q.q", "队列", "q/x", "_q", "a".repeat(65), "q\u0000"]),
  fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !/^[A-Za-z][\w-]{0,63}$/.test(s)),
);

function target(main: RefName, other: RefName[], fresh: RefName): Arb<Val> {
  return fc.oneof(
    { weight: 6, arbitrary: ref(main) },
    { weight: 2, arbitrary: fc.constantFrom(...other).map((r): Val => ({ ref: r })) },
    { weight: 2, arbitrary: ref(fresh) },
    { weight: 1, arbitrary: randomValidName },
  );
}

const queueTarget = target("queue", ["dlq"], "freshQueue");
const dlqTarget = target("dlq", ["queue"], "freshQueue");
const topicTarget = target("topic", ["topic"], "freshTopic");
const subTarget = target("sub", ["sub"], "freshSub");
const newQueue = fc.oneof(
  { weight: 5, arbitrary: ref("freshQueue") },
  { weight: 2, arbitrary: queueTarget },
);
const newTopic = fc.oneof(
  { weight: 5, arbitrary: ref("freshTopic") },
  { weight: 2, arbitrary: topicTarget },
);
const newSub = fc.oneof(
  { weight: 5, arbitrary: ref("freshSub") },
  { weight: 2, arbitrary: subTarget },
);

/**
 * A parameter, as the two ways a request may carry it: `good` (a valid value, or nothing when the
 * parameter is optional) and `bad` (an invalid value, junk, or nothing when it is required).
 */
interface Param {
  good: Arb<Pair[]>;
  bad: Arb<Pair[]>;
}

const none = fc.constant<Pair[]>([]);
const as =
  (key: string) =>
  (v: Val): Pair[] => [[key, v]];

function required(key: string, valid: Arb<Val>, invalid: Arb<Val>): Param {
  return {
    good: valid.map(as(key)),
    bad: fc.oneof(
      { weight: 1, arbitrary: none },
      { weight: 4, arbitrary: invalid.map(as(key)) },
      { weight: 2, arbitrary: junk.map(as(key)) },
    ),
  };
}

function optional(key: string, valid: Arb<Val>, invalid: Arb<Val>): Param {
  return {
    good: fc.oneof(none, valid.map(as(key))),
    bad: fc.oneof(
      { weight: 2, arbitrary: invalid.map(as(key)) },
      { weight: 1, arbitrary: junk.map(as(key)) },
    ),
  };
}

type Range = { min: number; max: number };

const outOfRange = (range: Range): Arb<Val> =>
  ints(
    fc.oneof(
      fc.constantFrom(range.min - 1, range.max + 1),
      fc.integer({ min: range.max + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: range.min - 1 }),
      fc.double({ min: range.min, max: range.max, noInteger: true, noDefaultInfinity: true }),
    ),
  );

const requiredInt = (key: string, range: Range, valid: Arb<number> = fc.integer(range)) =>
  required(key, ints(valid), outOfRange(range));

const optionalInt = (key: string, range: Range, valid: Arb<number> = fc.integer(range)) =>
  optional(key, ints(valid), outOfRange(range));

/** `key.N` arrays: valid ones from 1; bad ones from 0 or 2, with a gap, 17+ items, or no index. */
function list(key: string, item: Arb<Val>, badItem: Arb<Val>, isRequired: boolean): Param {
  const pairs = (values: Val[], base: number, gap?: number): Pair[] =>
    values.flatMap((v, i): Pair[] =>
      gap !== undefined && values.length > 1 && i === gap % values.length
        ? []
        : [[`${key}.${i + base}`, v]],
    );
  const valid = fc.array(item, { minLength: 1, maxLength: 5 }).map((v) => pairs(v, 1));
  return {
    good: isRequired ? valid : fc.oneof(none, valid),
    bad: fc.oneof(
      { weight: isRequired ? 1 : 0, arbitrary: none },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.array(item, { minLength: 1, maxLength: 4 }), fc.oneof(badItem, junk), fc.nat())
          .map(([values, bad, at]) => {
            const all = [...values];
            all.splice(at % (values.length + 1), 0, bad);
            return pairs(all, 1);
          }),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.array(item, { minLength: 2, maxLength: 6 }),
            fc.constantFrom(0, 2),
            fc.option(fc.nat(), { nil: undefined }),
          )
          .map(([values, base, gap]) => pairs(values, base, gap ?? (base === 0 ? 1 : undefined))),
      },
      {
        weight: 1,
        arbitrary: fc.array(item, { minLength: 17, maxLength: 20 }).map((v) => pairs(v, 1)),
      },
      { weight: 1, arbitrary: item.map(as(key)) },
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Parameter values per kind.

const body = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const badBody: Arb<Val> = fc.oneof(text([""]), huge);
const handle: Arb<Val> = fc.oneof(
  { weight: 3, arbitrary: ref("handle") },
  { weight: 1, arbitrary: ints(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) },
);
const badHandle = text(["-5", "abc", "18446744073709551616", "", "1.0", "0x1"]);
const tag = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 16 });
const badTag: Arb<Val> = fc.oneof(text(["", "x".repeat(17)]), huge);
const bindingKey = text(["a.b", "*.x", "#", "order.*.eu", "a", "x.#"]);
const badBindingKey = text(["", "a..b", "a*", `a${".b".repeat(16)}`, "x".repeat(65), "."]);
const routingKey = text(["a.b", "order.cn.eu", "x", ""]);
const badRoutingKey = text(["a..b", "a.*", "#", "x".repeat(65), `a${".b".repeat(16)}`]);
const searchWord: Arb<Val> = fc.oneof(
  ref("queue"),
  ref("topic"),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);

const deadLetterPolicy: Arb<Val> = fc.oneof(
  fc
    .integer({ min: 1, max: 1000 })
    .map((n): Val => ({ policy: { policy: 0, maxReceiveCount: n }, target: "dlq" })),
  fc
    .integer({ min: 3600, max: 43_200 })
    .map((n): Val => ({ policy: { policy: 1, maxTimeToLive: n }, target: "dlq" })),
  text([""]),
);
/** Policies the parser refuses, and well-formed ones the bindings refuse (missing, nested). */
const badDeadLetterPolicy: Arb<Val> = fc.oneof(
  { weight: 1, arbitrary: text(["{", "[]", "null", "1", '"x"', '{"policy":0}', "{}"]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Val>(
      { policy: { policy: 2, maxReceiveCount: 5 }, target: "dlq" },
      { policy: { policy: 0, maxReceiveCount: 0 }, target: "dlq" },
      { policy: { policy: 0, maxReceiveCount: 1001 }, target: "dlq" },
      { policy: { policy: 0, maxReceiveCount: 1.5 }, target: "dlq" },
      { policy: { policy: 0, maxReceiveCount: "5" }, target: "dlq" },
      { policy: { policy: 1, maxTimeToLive: 299 }, target: "dlq" },
      { policy: { policy: 1, maxTimeToLive: 43_201 }, target: "dlq" },
      { policy: { policy: 1 }, target: "dlq" },
      { policy: { policy: 0, maxReceiveCount: 5, deadLetterQueue: "1bad" }, target: "raw" },
      { policy: { policy: 0, maxReceiveCount: 5, deadLetterQueue: 7 }, target: "raw" },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Val>(
      { policy: { policy: 0, maxReceiveCount: 5 }, target: "queue" },
      { policy: { policy: 0, maxReceiveCount: 5 }, target: "freshQueue" },
    ),
  },
);

/**
 * Queue attributes, with valid values that leave a fixture stable while the property runs (no
 * short retention or time to live that would change counters between two snapshots).
 */
const queueAttributes: Param[] = [
  optionalInt("maxMsgHeapNum", { min: 1_000_000, max: 1_000_000_000 }),
  optionalInt("pollingWaitSeconds", { min: 0, max: 30 }),
  optionalInt("visibilityTimeout", { min: 1, max: 43_200 }),
  optionalInt("maxMsgSize", { min: 1024, max: 1_048_576 }),
  optionalInt(
    "msgRetentionSeconds",
    { min: 60, max: 1_296_000 },
    fc.integer({ min: 3600, max: 1_296_000 }),
  ),
  optionalInt("rewindSeconds", { min: 0, max: 1_296_000 }),
  optionalInt("trace", { min: 0, max: 1 }),
  optional("deadLetterPolicy", deadLetterPolicy, badDeadLetterPolicy),
];

const listPaging = (offsetMax: number, limitMax: number): Param[] => [
  optional("searchWord", searchWord, huge),
  optionalInt("offset", { min: 0, max: offsetMax }),
  optionalInt("limit", { min: 0, max: limitMax }),
];

const pollingWait = optionalInt("pollingWaitSeconds", { min: 0, max: 30 }, fc.constant(0));

const subscriptionSettings: Param[] = [
  optional(
    "notifyStrategy",
    text(["BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY", "backoff_retry"]),
    text(["RETRY", "x"]),
  ),
  optional("notifyContentFormat", text(["JSON", "SIMPLIFIED", "simplified"]), text(["XML", "x"])),
  list("filterTag", tag, badTag, false),
  list("bindingKey", bindingKey, badBindingKey, false),
  list("bindindKey", bindingKey, badBindingKey, false),
];

const endpoint: Arb<Val> = fc.oneof(
  ref("queue"),
  ref("dlq"),
  text(["http://subscriber.test/hook", "https://subscriber.test/a?b=c", "HTTP://subscriber.test/"]),
);
const badEndpoint: Arb<Val> = fc.oneof(
  ref("freshQueue"),
  text(["http://a b", "ftp://x.test", "not a url", "http://", "1queue", "\thttp://x.test"]),
  fc.constant<Val>({ repeat: "a", times: 501 }),
);
const msgId: Arb<Val> = fc.oneof(ref("msgId"), ints(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })));

const queueName = required("queueName", queueTarget, badName);
const topicName = required("topicName", topicTarget, badName);
const subscriptionName = required("subscriptionName", subTarget, badName);

/** Each action's parameters (src/http/actions/*.ts). */
const PARAMS: Record<string, Param[]> = {
  CreateQueue: [required("queueName", newQueue, badName), ...queueAttributes],
  DeleteQueue: [queueName],
  ListQueue: listPaging(1000, 50),
  GetQueueAttributes: [queueName],
  SetQueueAttributes: [queueName, ...queueAttributes],
  RewindQueue: [
    queueName,
    required(
      "startConsumeTime",
      fc.oneof(
        fc.integer({ min: 0, max: 4000 }).map((s): Val => ({ secondsAgo: s })),
        ints(fc.constantFrom(0, 1, 2 ** 40)),
      ),
      ints(fc.constantFrom(-1, 2 ** 40 + 1, 2 ** 53)),
    ),
  ],
  SendMessage: [
    queueName,
    required("msgBody", body, badBody),
    optionalInt("delaySeconds", { min: 0, max: 3600 }, fc.constantFrom(0, 1800, 3600)),
  ],
  BatchSendMessage: [
    queueName,
    list("msgBody", body, badBody, true),
    optionalInt("delaySeconds", { min: 0, max: 3600 }, fc.constantFrom(0, 3600)),
  ],
  ReceiveMessage: [queueName, pollingWait],
  BatchReceiveMessage: [queueName, requiredInt("numOfMsg", { min: 1, max: 16 }), pollingWait],
  DeleteMessage: [queueName, required("receiptHandle", handle, badHandle)],
  BatchDeleteMessage: [queueName, list("receiptHandle", handle, badHandle, true)],
  CreateTopic: [
    required("topicName", newTopic, badName),
    optionalInt("maxMsgSize", { min: 1024, max: 1_048_576 }),
    optionalInt("filterType", { min: 1, max: 2 }),
  ],
  DeleteTopic: [topicName],
  ListTopic: listPaging(1000, 50),
  GetTopicAttributes: [topicName],
  SetTopicAttributes: [topicName, optionalInt("maxMsgSize", { min: 1024, max: 1_048_576 })],
  PublishMessage: [
    topicName,
    required("msgBody", body, badBody),
    list("msgTag", tag, badTag, false),
    optional("routingKey", routingKey, badRoutingKey),
  ],
  BatchPublishMessage: [
    topicName,
    list("msgBody", body, badBody, true),
    list("msgTag", tag, badTag, false),
    optional("routingKey", routingKey, badRoutingKey),
  ],
  Subscribe: [
    topicName,
    required("subscriptionName", newSub, badName),
    required("protocol", text(["queue", "http", "HTTP"]), text(["ftp", "", "queues"])),
    required("endpoint", endpoint, badEndpoint),
    ...subscriptionSettings,
  ],
  Unsubscribe: [topicName, subscriptionName],
  ListSubscriptionByTopic: [topicName, ...listPaging(1000, 100)],
  GetSubscriptionAttributes: [topicName, subscriptionName],
  SetSubscriptionAttributes: [topicName, subscriptionName, ...subscriptionSettings],
  ClearSubscriptionFilterTags: [topicName, subscriptionName],
  QueryQueueRoute: [queueName],
  QueryTopicRoute: [topicName],
  UnbindDeadLetterQueue: [queueName],
  ListDeadLetterSourceQueues: [
    required("deadLetterQueueName", dlqTarget, badName),
    ...listPaging(1000, 50),
  ],
  EdgeRedriveDeadLetterQueue: [
    required("queueName", dlqTarget, badName),
    optionalInt("rate", { min: 1, max: 1000 }),
  ],
  EdgeGetMessageTrace: [queueName, required("msgId", msgId, badHandle)],
  EdgeGetQueueMetrics: [queueName],
  EdgeListQueueMetrics: listPaging(1000, 50),
  EdgeChangeMessageVisibility: [
    queueName,
    required("receiptHandle", handle, badHandle),
    requiredInt("visibilityTimeout", { min: 0, max: 43_200 }),
  ],
  EdgePeekMessages: [
    queueName,
    optionalInt("numOfMsg", { min: 1, max: 16 }),
    optionalInt("inFlight", { min: 0, max: 1 }),
  ],
};

const extraKey = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
    fc.constantFrom("foo", "foo.1", "foo.0", "bar.99999", "queueName.1", " queueName", "a_b", "x."),
  )
  .filter((k) => !COMMON.has(k));

/** Which parameters a request gets wrong: usually one, sometimes none or two. */
function faults(count: number): Arb<number[]> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<number[]>([]) },
    { weight: 6, arbitrary: fc.nat(count - 1).map((i) => [i]) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(count - 1), fc.nat(count - 1)) },
  );
}

/** One request to `action`: its parameters, then a repeated key, unknown extras, or a flood. */
function requestFor(action: string): Arb<RequestSpec> {
  const params = PARAMS[action] ?? [];
  return fc
    .record({
      name: fc.constantFrom(
        action,
        action,
        action,
        action.toLowerCase(),
        ` ${action.toUpperCase()}`,
      ),
      good: fc.tuple(...params.map((p) => p.good)),
      bad: fc.tuple(...params.map((p) => p.bad)),
      wrong: params.length > 0 ? faults(params.length) : fc.constant<number[]>([]),
      repeat: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.oneof(junk, ref("queue"))) },
      ),
      extras: fc.oneof(
        { weight: 6, arbitrary: fc.constant<Pair[]>([]) },
        {
          weight: 3,
          arbitrary: fc.array(fc.tuple(extraKey, junk), { minLength: 1, maxLength: 3 }),
        },
        {
          weight: 1,
          arbitrary: fc.constant(Array.from({ length: 130 }, (_, i): Pair => [`p${i}`, "1"])),
        },
      ),
    })
    .map(({ name, good, bad, wrong, repeat, extras }) => {
      const pairs: Pair[] = params.flatMap(
        (_, i) => (wrong.includes(i) ? bad[i] : good[i]) as Pair[],
      );
      if (repeat && pairs.length > 0) {
        const [index, value] = repeat;
        const [key] = pairs[index % pairs.length] as Pair;
        pairs.push([key, value]);
      }
      return { action: name, pairs: [...pairs, ...(extras as Pair[])] };
    });
}

// ---------------------------------------------------------------------------------------------
// The fixture, its snapshot, and sending a generated request.

interface Fixture {
  prefix: string;
  queue: string;
  dlq: string;
  topic: string;
  sub: string;
  handle: string;
  msgId: string;
  fresh: number;
}

async function ok(action: string, params: Record<string, string | number>): Promise<Reply> {
  const reply = await cmq(action, params);
  if (reply.code !== 0) throw new Error(`${action} ${JSON.stringify(params)}: ${reply.message}`);
  return reply;
}

/** A queue (trace on, three messages, one in flight), its dead-letter queue, a subscribed topic. */
async function buildFixture(prefix: string, generation: number): Promise<Fixture> {
  const base = `${prefix}-g${generation}`;
  const fx = {
    prefix,
    queue: `${base}-q`,
    dlq: `${base}-dlq`,
    topic: `${base}-t`,
    sub: `s${generation}`,
    fresh: 0,
  };
  await ok("CreateQueue", { queueName: fx.dlq, visibilityTimeout: 43_200 });
  await ok("CreateQueue", {
    queueName: fx.queue,
    visibilityTimeout: 43_200,
    rewindSeconds: 3600,
    trace: 1,
    deadLetterPolicy: JSON.stringify({ deadLetterQueue: fx.dlq, policy: 0, maxReceiveCount: 5 }),
  });
  await ok("BatchSendMessage", { queueName: fx.queue, ...indexed("msgBody", ["m1", "m2", "m3"]) });
  await ok("SendMessage", { queueName: fx.dlq, msgBody: "parked" });
  const received = await ok("ReceiveMessage", { queueName: fx.queue, pollingWaitSeconds: 0 });
  await ok("CreateTopic", { topicName: fx.topic });
  await ok("Subscribe", {
    topicName: fx.topic,
    subscriptionName: fx.sub,
    protocol: "queue",
    endpoint: fx.queue,
  });
  return { ...fx, handle: received.receiptHandle, msgId: received.msgId };
}

function withoutRequestId(reply: Reply) {
  const { requestId: _, ...rest } = reply;
  return rest;
}

/**
 * What a failed request must not change: attributes, counters, lists, bindings. The topic, its
 * subscription and the dead-letter queue are read first: when they show no delivery or redrive
 * under way, nothing moves into the queue while the rest is read.
 */
async function snapshot(fx: Fixture) {
  const first = await Promise.all([
    cmq("GetTopicAttributes", { topicName: fx.topic }),
    cmq("GetSubscriptionAttributes", { topicName: fx.topic, subscriptionName: fx.sub }),
    cmq("GetQueueAttributes", { queueName: fx.dlq }),
  ]);
  const then = await Promise.all([
    cmq("GetQueueAttributes", { queueName: fx.queue }),
    cmq("ListQueue", { searchWord: fx.prefix, limit: 50 }),
    cmq("ListTopic", { searchWord: fx.prefix, limit: 50 }),
    cmq("ListSubscriptionByTopic", { topicName: fx.topic, limit: 100 }),
    cmq("ListDeadLetterSourceQueues", { deadLetterQueueName: fx.dlq, limit: 50 }),
  ]);
  const [topic, sub, dlq, queue, queues, topics, subs, sources] = [...first, ...then].map(
    withoutRequestId,
  );
  return { queue, dlq, topic, sub, queues, topics, subs, sources };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

const intact = (s: Snapshot) =>
  s.queue?.code === 0 && s.dlq?.code === 0 && s.topic?.code === 0 && s.sub?.code === 0;

/** Work an earlier success left running: deliveries from the topic, redrives. */
const inProgress = (s: Snapshot) => ({
  undelivered: s.topic?.code === 0 ? s.topic.msgCount : 0,
  pending: s.sub?.code === 0 ? s.sub.pendingMsgNum : 0,
  redrive: [s.dlq?.redriveStatus ?? "idle", s.queue?.redriveStatus ?? "idle"],
});

/** A snapshot once deliveries and redrives started by an earlier success have finished. */
async function settledSnapshot(fx: Fixture): Promise<Snapshot> {
  let settled: Snapshot | undefined;
  await vi.waitFor(
    async () => {
      const s = await snapshot(fx);
      expect(inProgress(s)).toEqual({ undelivered: 0, pending: 0, redrive: ["idle", "idle"] });
      settled = s;
    },
    { timeout: 10_000, interval: 20 },
  );
  return settled as Snapshot;
}

function resolve(fx: Fixture, value: Val): string {
  if (typeof value === "string") return value;
  if ("repeat" in value) return value.repeat.repeat(value.times);
  if ("secondsAgo" in value) return String(Math.floor(Date.now() / 1000) - value.secondsAgo);
  if ("policy" in value) {
    const queue =
      value.target === "raw" ? {} : { deadLetterQueue: resolve(fx, { ref: value.target }) };
    return JSON.stringify({ ...queue, ...value.policy });
  }
  switch (value.ref) {
    case "freshQueue":
    case "freshTopic":
    case "freshSub": {
      fx.fresh += 1;
      return `${value.ref === "freshSub" ? "sub" : fx.prefix}-n${fx.fresh}`;
    }
    default:
      return fx[value.ref];
  }
}

/** Removes what a successful create made, so the tenant's limits are never reached. */
async function cleanUp(fx: Fixture, action: string, pairs: [string, string][]) {
  const value = (key: string) => pairs.find(([k]) => k.trim() === key)?.[1] ?? "";
  const name = action.trim().toLowerCase();
  if (name === "createqueue") await ok("DeleteQueue", { queueName: value("queueName") });
  if (name === "createtopic") await ok("DeleteTopic", { topicName: value("topicName") });
  if (name === "subscribe" && value("subscriptionName") !== fx.sub) {
    await ok("Unsubscribe", {
      topicName: value("topicName"),
      subscriptionName: value("subscriptionName"),
    });
  }
}

function expectEnvelope(status: number, reply: Reply) {
  expect(status).toBe(200);
  expect(reply).toEqual(
    expect.objectContaining({
      code: expect.any(Number),
      message: expect.any(String),
      requestId: expect.any(String),
    }),
  );
  expect(Number.isInteger(reply.code)).toBe(true);
  expect(EXPECTED_CODES).toContain(reply.code);
  // Correctly signed: authentication never refuses these requests.
  expect(reply.code).not.toBe(4100);
  if (reply.code !== 0) expect(reply.message).toMatch(/^\(\d+\)/);
}

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  // HTTP subscriptions the fuzzer creates are pushed to this stand-in, which answers 200.
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("ok"));
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe("fuzzed requests to every action", () => {
  it("has a generator for every action in the action table", () => {
    expect(Object.keys(PARAMS).sort()).toEqual([...ACTION_NAMES].sort());
  });

  it.each(ACTION_NAMES.map((action, i) => [action, i] as const))(
    "%s answers every request with a CMQ envelope and changes nothing when it fails",
    async (action, index) => {
      const prefix = uniqueName(`fz${index}`);
      let generation = 1;
      let fx = await buildFixture(prefix, generation);
      // After a failed request the fixture is as it was: its snapshot serves the next run.
      let known: Snapshot | undefined;
      await fc.assert(
        fc.asyncProperty(requestFor(action), async (spec) => {
          let before = known ?? (await settledSnapshot(fx));
          known = undefined;
          if (!intact(before)) {
            generation += 1;
            fx = await buildFixture(prefix, generation);
            before = await settledSnapshot(fx);
          }
          const pairs = spec.pairs.map(([k, v]): [string, string] => [k, resolve(fx, v)]);
          const request = await signedRequest(ENDPOINT, TENANT_A, spec.action, {}, { pairs });
          const { status, body } = await send(request);
          expectEnvelope(status, body);
          if (body.code === 0) {
            await cleanUp(fx, spec.action, pairs);
          } else if (body.code !== 6010) {
            // 6010 is a partial success: some handles did delete.
            expect(await snapshot(fx)).toEqual(before);
            known = before;
          }
        }),
        { numRuns: FUZZ_RUNS, seed: SEED + index },
      );
    },
    Math.max(30_000, FUZZ_RUNS * 1000),
  );
});

/** Defects the properties above found in long runs, kept as regression tests. */
describe("defects found by fuzzing", () => {
  const missingDeadLetterQueue = () =>
    JSON.stringify({ deadLetterQueue: uniqueName("missing"), policy: 0, maxReceiveCount: 3 });

  // src/http/actions/queue.ts SetQueueAttributes stores the attribute patch, then parses and binds
  // deadLetterPolicy: a policy refused with 4000 leaves the new attributes in place.
  it("SetQueueAttributes refused for its deadLetterPolicy changes no attribute", async () => {
    const queueName = uniqueName("fzd");
    await ok("CreateQueue", { queueName });
    const codes = [];
    for (const deadLetterPolicy of ["{", missingDeadLetterQueue()]) {
      const reply = await cmq("SetQueueAttributes", {
        queueName,
        visibilityTimeout: 77,
        maxMsgSize: 1024,
        deadLetterPolicy,
      });
      codes.push(reply.code);
    }
    const after = await cmq("GetQueueAttributes", { queueName });
    expect({
      codes,
      visibilityTimeout: after.visibilityTimeout,
      maxMsgSize: after.maxMsgSize,
    }).toEqual({ codes: [4000, 4000], visibilityTimeout: 30, maxMsgSize: 65_536 });
  });

  // src/objects/catalog-object.ts createQueue: bind() throws inside create() after the name was
  // registered, so the unregister step never runs. The refused queue is listed (and counts toward
  // the tenant's queue limit) while GetQueueAttributes answers 4440.
  it("CreateQueue refused for its deadLetterPolicy lists no queue", async () => {
    const queueName = uniqueName("fzd");
    const reply = await cmq("CreateQueue", {
      queueName,
      deadLetterPolicy: missingDeadLetterQueue(),
    });
    const listed = await cmq("ListQueue", { searchWord: queueName });
    expect({ code: reply.code, totalCount: listed.totalCount }).toEqual({
      code: 4000,
      totalCount: 0,
    });
  });
});

/**
 * API 3.0 joins the fuzz: for every action of its table, JSON bodies mixing the action's own
 * fields (valid names of a live fixture, junk, nested values, nulls) with unknown ones, bodies that
 * are not JSON, and GET query strings. Every reply is HTTP 200, exactly application/json, the
 * Response envelope with a RequestId, and never InternalError.
 */
describe("fuzzed API 3.0 requests to every action", () => {
  const API3_CODES = new Set([
    "AuthFailure.SignatureFailure",
    "FailedOperation",
    "FailedOperation.MaxMessageSizeError",
    "InvalidAction",
    "InvalidParameter",
    "InvalidParameterValue",
    "InvalidParameterValue.NeedMoreParams",
    "LimitExceeded",
    "MissingParameter",
    "RequestSizeLimitExceeded",
    "ResourceInUse",
    "ResourceInUse.Queue",
    "ResourceInUse.Subscription",
    "ResourceInUse.Topic",
    "ResourceNotFound",
    "ResourceNotFound.Subscription",
    "ResourceNotFound.Topic",
    "UnknownParameter",
    "UnsupportedOperation",
  ]);

  const fixture = { queue: uniqueName("f3q"), topic: uniqueName("f3t") };
  beforeAll(async () => {
    await api3Ok("CreateCmqQueue", { QueueName: fixture.queue });
    await api3Ok("CreateCmqTopic", { TopicName: fixture.topic });
    await api3Ok("CreateCmqSubscribe", {
      TopicName: fixture.topic,
      SubscriptionName: "s",
      Protocol: "queue",
      Endpoint: fixture.queue,
    });
  });

  const fieldsOf = (action: string) =>
    Object.keys(
      (findApi3Action(action)?.action.schema as unknown as { shape?: object })?.shape ?? {},
    );

  const value: Arb<unknown> = fc.oneof(
    fc.constantFrom(
      fixture.queue,
      fixture.topic,
      "s",
      "",
      "1bad",
      "tag:x",
      "queue",
      "http://x.test",
    ),
    fc.constantFrom(0, -1, 1, 30, 3600, 65_536, 2 ** 53, 1.5, true, false, null),
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.record({ TagKey: fc.string(), TagValue: fc.string() }),
      ),
    ),
    fc.array(fc.record({ Name: fc.constantFrom("tag:k", "x"), Values: fc.array(fc.string()) })),
  );

  function bodyFor(
    action: string,
  ): Arb<{ params: Record<string, unknown>; raw?: string; get: boolean }> {
    const fields = fieldsOf(action);
    return fc.record({
      params: fc.dictionary(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...fields) },
          { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
        ),
        value,
        { maxKeys: fields.length + 1 },
      ),
      raw: fc.option(
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("[]", "null", "{", '"x"')),
        {
          nil: undefined,
          freq: 8,
        },
      ),
      get: fc.boolean(),
    });
  }

  it.each(API3_ACTION_NAMES.map((action, i) => [action, i] as const))(
    "%s answers every request with API 3.0's envelope",
    async (action, index) => {
      await fc.assert(
        fc.asyncProperty(bodyFor(action), async ({ params, raw, get }) => {
          const request = await api3Request(action, params, {
            method: get && raw === undefined ? "GET" : "POST",
            body: raw,
          });
          const reply = await sendApi3(request);
          expect({ status: reply.status, type: reply.contentType }).toEqual({
            status: 200,
            type: "application/json",
          });
          expect(reply.body.Response.RequestId).toEqual(expect.any(String));
          const error = reply.body.Response.Error;
          if (error) expect([...API3_CODES]).toContain(error.Code);
        }),
        { numRuns: FUZZ_RUNS * 3, seed: SEED + 1000 + index },
      );
    },
    Math.max(30_000, FUZZ_RUNS * 3000),
  );
});
