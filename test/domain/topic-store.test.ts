import { describe, expect, it } from "vitest";
import type { NewSubscription } from "../../src/domain/topic/subscriptions";
import { TopicStore } from "../../src/domain/topic/topic-store";
import { memorySql } from "../helpers/node-sql";
import { T0 } from "./queue-fixture";

const S = 1000;
const DAY = 86_400 * S;

function newTopic(filterType: 1 | 2 = 1) {
  const sql = memorySql();
  const store = new TopicStore(sql);
  store.create(
    { name: "t", topicId: "topic-1", appId: "1250000000", maxMsgSize: 1024, filterType },
    T0,
  );
  const call = { topic: "t" };
  let n = 0;
  const subscribe = (s: Partial<NewSubscription> = {}) =>
    store.subscribe(
      call,
      {
        name: `s${++n}`,
        subscriptionId: `subscription-${n}`,
        protocol: "http",
        endpoint: "http://example.test/push",
        ...s,
      },
      T0,
    );
  const publish = (bodies: string[], tags: string[] = [], routingKey?: string, at = T0) => {
    const [r] = store.publish(call, [{ bodies, tags, routingKey }], at);
    return r;
  };
  const outbox = () =>
    sql.all<{ subscription: number; seq: number; retries: number; due_at: number }>(
      "SELECT * FROM outbox ORDER BY subscription, seq",
    );
  return { sql, store, call, subscribe, publish, outbox };
}

describe("publishing", () => {
  it("refuses a publish to a topic without subscriptions (6030 / 10650), storing nothing", () => {
    const t = newTopic();
    expect(t.publish(["x"])).toMatchObject({ ok: false, error: { kind: "noSubscription" } });
    expect(t.store.attributes(t.call).msgCount).toBe(0);
  });

  it("refuses a publish no subscription matches (6030 / 10730)", () => {
    const t = newTopic();
    t.subscribe({ filterTags: ["test"] });
    expect(t.publish(["x"], [], "route.single")).toMatchObject({
      ok: false,
      error: { kind: "noMatchingSubscription" },
    });
  });

  it("stores one outbox row per matching subscription and counts routed messages", () => {
    const t = newTopic();
    const all = t.subscribe();
    const system = t.subscribe({ filterTags: ["system"] });
    expect(t.publish(["a"])?.ok).toBe(true);
    expect(t.publish(["b", "c"], ["system"])?.ok).toBe(true);
    expect(t.outbox().map((r) => r.subscription)).toEqual([
      all.id,
      all.id,
      all.id,
      system.id,
      system.id,
    ]);
    expect(t.store.subscription(t.call, all.name)).toMatchObject({
      routedCount: 3,
      pendingCount: 3,
    });
    expect(t.store.subscription(t.call, system.name)).toMatchObject({
      routedCount: 2,
      pendingCount: 2,
    });
    expect(t.store.attributes(t.call).msgCount).toBe(3);
  });

  it("needs a routing key on a routing topic (filterType 2)", () => {
    const t = newTopic(2);
    t.subscribe({ bindingKeys: ["a.#"] });
    expect(t.publish(["x"])).toMatchObject({ ok: false, error: { kind: "routingKeyRequired" } });
    expect(t.publish(["x"], [], "a.b")?.ok).toBe(true);
  });

  it("checks bodies, tags and keys before storing", () => {
    const t = newTopic();
    t.subscribe();
    expect(t.publish(["x".repeat(1025)])).toMatchObject({
      ok: false,
      error: { kind: "messageTooLarge" },
    });
    expect(t.publish(["x"], ["1", "2", "3", "4", "5", "6"])).toMatchObject({
      ok: false,
      error: { kind: "tooManyMsgTags" },
    });
    expect(t.publish(["x"], [], "a.*")).toMatchObject({
      ok: false,
      error: { kind: "invalidRoutingKey" },
    });
    expect(t.outbox()).toEqual([]);
  });
});

describe("publishing at the subscription limit (100, DO SQLite's 100 bound parameters)", () => {
  it.each([99, 100])(
    "routes a publish and a 16-message batch to each of %i subscriptions",
    (subscriptions) => {
      const t = newTopic();
      const all = Array.from({ length: subscriptions }, () => t.subscribe());
      const batch = Array.from({ length: 16 }, (_, i) => `m${i}`);
      expect(t.publish(["one"])?.ok).toBe(true);
      expect(t.publish(batch)?.ok).toBe(true);
      expect(t.outbox()).toHaveLength(subscriptions * 17);
      for (const s of all) {
        expect(t.store.subscription(t.call, s.name)).toMatchObject({
          routedCount: 17,
          pendingCount: 17,
        });
      }
      expect(t.store.attributes(t.call).msgCount).toBe(17);
    },
  );
});

describe("delivery bookkeeping", () => {
  it("hands a subscription its due rows in publish order and forgets a message once delivered everywhere", () => {
    const t = newTopic();
    const a = t.subscribe();
    const b = t.subscribe();
    t.publish(["1", "2"]);
    t.publish(["3"], [], undefined, T0 + 1);
    const due = t.store.dueDeliveries(a.id, T0 + 1, 10);
    expect(due?.entries.map((e) => e.body)).toEqual(["1", "2", "3"]);
    t.store.delivered(a.id, due?.entries.map((e) => e.seq) ?? []);
    expect(t.store.attributes(t.call).msgCount).toBe(3);
    const dueB = t.store.dueDeliveries(b.id, T0 + 1, 10)?.entries ?? [];
    t.store.delivered(
      b.id,
      dueB.map((e) => e.seq),
    );
    expect(t.store.attributes(t.call).msgCount).toBe(0);
    expect(t.store.subscription(t.call, a.name)).toMatchObject({
      deliveredCount: 3,
      pendingCount: 0,
    });
  });

  it("retries a failed BACKOFF_RETRY delivery at its interval, then drops it and counts each failure and the drop", () => {
    const t = newTopic();
    const s = t.subscribe({ notifyStrategy: "BACKOFF_RETRY" });
    t.publish(["x"]);
    let now = T0;
    for (let retry = 1; retry <= 3; retry++) {
      const [entry] = t.store.dueDeliveries(s.id, now, 10)?.entries ?? [];
      expect(entry?.retries).toBe(retry - 1);
      t.store.failed(s.id, entry as never, "HTTP 500", false, now);
      expect(t.store.dueDeliveries(s.id, now + 20 * S - 1, 10)?.entries).toEqual([]);
      now += 20 * S;
    }
    const [last] = t.store.dueDeliveries(s.id, now, 10)?.entries ?? [];
    t.store.failed(s.id, last as never, "HTTP 500", false, now);
    expect(t.outbox()).toEqual([]);
    expect(t.store.subscription(t.call, s.name)).toMatchObject({
      droppedCount: 1,
      failedCount: 4,
      pendingCount: 0,
      lastError: "HTTP 500",
    });
    expect(t.store.attributes(t.call).msgCount).toBe(0);
  });

  it("says when the last error happened, and forgets it once a delivery succeeds", () => {
    const t = newTopic();
    const s = t.subscribe();
    t.publish(["first"]);
    const [first] = t.store.dueDeliveries(s.id, T0, 10)?.entries ?? [];
    t.store.failed(s.id, first as never, "connection refused by 192.0.2.1:80", false, T0 + 5);
    expect(t.store.subscription(t.call, s.name)).toMatchObject({
      lastError: "connection refused by 192.0.2.1:80",
      lastErrorAt: T0 + 5,
    });
    const [retry] = t.store.dueDeliveries(s.id, T0 + 60 * S, 10)?.entries ?? [];
    t.store.delivered(s.id, [retry?.seq ?? -1]);
    expect(t.store.subscription(t.call, s.name)).toMatchObject({
      lastError: null,
      lastErrorAt: null,
      deliveredCount: 1,
    });
  });

  it("drops at once a failure marked permanent", () => {
    const t = newTopic();
    const s = t.subscribe();
    t.publish(["x"]);
    const [entry] = t.store.dueDeliveries(s.id, T0, 10)?.entries ?? [];
    t.store.failed(s.id, entry as never, "too large", true, T0);
    expect(t.store.subscription(t.call, s.name).droppedCount).toBe(1);
  });

  it("lets later messages go ahead of one waiting for its retry", () => {
    const t = newTopic();
    const s = t.subscribe();
    t.publish(["first"]);
    const [first] = t.store.dueDeliveries(s.id, T0, 10)?.entries ?? [];
    t.store.failed(s.id, first as never, "HTTP 503", false, T0);
    t.publish(["second"], [], undefined, T0 + 1);
    expect(t.store.dueDeliveries(s.id, T0 + 1, 10)?.entries.map((e) => e.body)).toEqual(["second"]);
    expect(t.store.dueDeliveries(s.id, T0 + 1 * S, 10)?.entries.map((e) => e.body)).toEqual([
      "second",
      "first",
    ]);
  });

  it("drops what is still undelivered after the one-day lifetime", () => {
    const t = newTopic();
    const s = t.subscribe();
    t.publish(["old"]);
    t.publish(["young"], [], undefined, T0 + DAY - 10 * S);
    expect(t.store.nextChoreAt()).toBe(T0);
    t.store.chores(T0 + DAY + 1);
    expect(t.store.dueDeliveries(s.id, T0 + DAY + 1, 10)?.entries.map((e) => e.body)).toEqual([
      "young",
    ]);
    expect(t.store.subscription(t.call, s.name)).toMatchObject({
      droppedCount: 1,
      pendingCount: 1,
    });
  });

  it("purges an unsubscribed subscription's rows and forgets messages only it needed", () => {
    const t = newTopic();
    const gone = t.subscribe();
    const kept = t.subscribe({ filterTags: ["k"] });
    t.publish(["only-gone"]);
    t.publish(["both"], ["k"]);
    t.store.unsubscribe(t.call, gone.name);
    expect(t.store.dueDeliveries(gone.id, T0, 10)).toBeUndefined();
    expect(t.store.chores(T0).more).toBe(true);
    t.store.chores(T0);
    expect(t.outbox().map((r) => r.subscription)).toEqual([kept.id]);
    expect(t.store.attributes(t.call).msgCount).toBe(1);
    // A new subscription never takes over the old one's id.
    expect(t.subscribe().id).toBeGreaterThan(kept.id);
  });
});

describe("subscriptions", () => {
  it("refuses duplicates, bad endpoints and too many filters, storing nothing", () => {
    const t = newTopic();
    t.subscribe({ name: "dup" });
    expect(() => t.subscribe({ name: "DUP" })).toThrow(/already existed/);
    expect(() => t.subscribe({ endpoint: "ftp://x" })).toThrow(/endpoint format error/);
    expect(() => t.subscribe({ endpoint: "http://a b" })).toThrow(/blank/);
    expect(() => t.subscribe({ filterTags: ["1", "2", "3", "4", "5", "6"] })).toThrow(/filterTag/);
    expect(() => t.subscribe({ bindingKeys: ["a.b*"] })).toThrow(/bindingKey/);
    expect(t.store.listSubscriptions(t.call, { offset: 0, limit: 20 }).total).toBe(1);
  });

  it("stores queue subscriptions as SIMPLIFIED even when JSON is asked for (Java SDK, §9 R4)", () => {
    const t = newTopic();
    const s = t.subscribe({ protocol: "queue", endpoint: "target", contentFormat: "JSON" });
    expect(s.contentFormat).toBe("SIMPLIFIED");
    expect(t.subscribe().contentFormat).toBe("JSON");
  });

  it("changes settings and clears filter tags", () => {
    const t = newTopic();
    const s = t.subscribe({ filterTags: ["a"] });
    t.store.setSubscription(
      t.call,
      s.name,
      { notifyStrategy: "BACKOFF_RETRY", filterTags: [] },
      T0 + 1,
    );
    expect(t.store.subscription(t.call, s.name)).toMatchObject({
      notifyStrategy: "BACKOFF_RETRY",
      filterTags: [],
    });
  });

  it("limits a topic to 100 subscriptions", () => {
    const t = newTopic();
    for (let i = 0; i < 100; i++) t.subscribe();
    expect(() => t.subscribe()).toThrow(/number of subscription/);
  });
});
