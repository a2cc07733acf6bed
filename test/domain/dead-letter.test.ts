import { describe, expect, it } from "vitest";
import { CatalogStore } from "../../src/domain/catalog/catalog-store";
import { CATALOG_MIGRATIONS } from "../../src/domain/catalog/schema";
import { CmqError } from "../../src/domain/errors";
import { DEAD, parseDeadLetterPolicy } from "../../src/domain/queue/dead-letter";
import { migrate } from "../../src/domain/sql";
import { memorySql } from "../helpers/node-sql";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;
const byCount = { deadLetterQueue: "dlq", policy: 0 as const, maxReceiveCount: 2 };

describe("deadLetterPolicy", () => {
  it.each([
    [
      '{"deadLetterQueue":"dlq","policy":0,"maxReceiveCount":5}',
      { deadLetterQueue: "dlq", policy: 0, maxReceiveCount: 5 },
    ],
    [
      '{"deadLetterQueue":"dlq","policy":1,"maxTimeToLive":300}',
      { deadLetterQueue: "dlq", policy: 1, maxTimeToLive: 300 },
    ],
    [
      '{"deadLetterQueue":"dlq","policy":0,"maxReceiveCount":3,"maxTimeToLive":600}',
      { deadLetterQueue: "dlq", policy: 0, maxReceiveCount: 3, maxTimeToLive: 600 },
    ],
  ])("parses %s", (text, policy) => {
    expect(parseDeadLetterPolicy(text)).toEqual(policy);
  });

  it.each([
    ["not json", "json string"],
    ['"dlq"', "json object"],
    ['{"policy":0,"maxReceiveCount":1}', "deadLetterQueue"],
    ['{"deadLetterQueue":"dlq","policy":2}', "policy"],
    ['{"deadLetterQueue":"dlq","policy":0}', "maxReceiveCount"],
    ['{"deadLetterQueue":"dlq","policy":0,"maxReceiveCount":1001}', "maxReceiveCount"],
    ['{"deadLetterQueue":"dlq","policy":1,"maxTimeToLive":299}', "maxTimeToLive"],
  ])("refuses %s", (text, reason) => {
    expect(() => parseDeadLetterPolicy(text)).toThrow(CmqError);
    expect(() => parseDeadLetterPolicy(text)).toThrow(reason);
  });
});

describe("deadLetterPolicy against the queue's retention", () => {
  const byAge = { deadLetterQueue: "dlq", policy: 1 as const, maxTimeToLive: 3600 };
  const retention = "less than msgRetentionSeconds";

  it("refuses a time to live that retention would cut short, at create and on change", () => {
    expect(() => newQueue({ msgRetentionSeconds: 3600 }, T0, byAge)).toThrow(retention);
    const q = newQueue({ msgRetentionSeconds: 7200 });
    expect(() => q.store.setAttributes(q.call, {}, T0, byAge)).not.toThrow();
    expect(() => q.store.setAttributes(q.call, { msgRetentionSeconds: 3600 }, T0)).toThrow(
      retention,
    );
  });

  it("changes nothing when it refuses attributes and policy together", () => {
    const q = newQueue({ msgRetentionSeconds: 3600 });
    const tooLong = { ...byAge, maxTimeToLive: 4000 };
    expect(() => q.store.setAttributes(q.call, { visibilityTimeout: 77 }, T0 + S, tooLong)).toThrow(
      retention,
    );
    const view = q.store.attributes(q.call, T0 + 2 * S);
    expect(view.attributes.visibilityTimeout).toBe(30);
    expect(view.deadLetterPolicy).toBeNull();
    expect(view.modifiedAt).toBe(T0);
  });
});

describe("dead-lettering in the source queue", () => {
  it("diverts a message received maxReceiveCount times instead of delivering it again", () => {
    const q = newQueue({ visibilityTimeout: 10 }, T0, byCount);
    q.send(["poison"]);
    expect(q.receive({ max: 1 }, T0).map((m) => m.body)).toEqual(["poison"]);
    expect(q.receive({ max: 1 }, T0 + 10 * S).map((m) => m.body)).toEqual(["poison"]);
    q.send(["good"], T0 + 15 * S);
    // Third time round it goes to the dead-letter queue; the batch is filled from what follows.
    const result = q.store.receive(q.call, { max: 16 }, T0 + 20 * S);
    expect(result.deadLettered).toBe(1);
    expect(result.messages.map((m) => m.body)).toEqual(["good"]);
    const batch = q.store.deadLetters(64);
    expect(batch).toMatchObject({ queue: "dlq", source: "q", appId: "1250000000" });
    expect(batch?.letters).toEqual([
      expect.objectContaining({ body: "poison", originalPubTime: T0, originalDequeueCount: 2 }),
    ]);
    expect(q.store.attributes(q.call, T0 + 20 * S)).toMatchObject({
      activeMsgNum: 0,
      inactiveMsgNum: 2,
    });
    q.store.movedToDeadLetter(batch?.letters.map((l) => l.seq) ?? [], T0);
    expect(q.store.deadLetters(64)).toBeUndefined();
    expect(q.store.attributes(q.call, T0 + 20 * S)).toMatchObject({ inactiveMsgNum: 1 });
  });

  it("diverts messages older than maxTimeToLive: not received, then marked by the chores", () => {
    const q = newQueue({ msgRetentionSeconds: 3600 }, T0, {
      deadLetterQueue: "dlq",
      policy: 1,
      maxTimeToLive: 300,
    });
    q.send(["old"]);
    q.send(["young"], T0 + 200 * S);
    expect(q.receive({ max: 16 }, T0 + 301 * S).map((m) => m.body)).toEqual(["young"]);
    expect(q.store.nextChoreAt(T0 + 301 * S)).toBeLessThanOrEqual(T0 + 301 * S);
    q.store.chores(T0 + 301 * S);
    expect(q.store.deadLetters(64)?.letters.map((l) => l.body)).toEqual(["old"]);
  });

  it("marks a whole chore chunk of outlived messages at once (more than 100 bound parameters)", () => {
    const q = newQueue({ msgRetentionSeconds: 3600 }, T0, {
      deadLetterQueue: "dlq",
      policy: 1,
      maxTimeToLive: 300,
    });
    q.send(Array.from({ length: 16 }, (_, i) => `old${i}`));
    for (let i = 0; i < 9; i++) q.send(Array.from({ length: 16 }, () => "old"));
    q.store.chores(T0 + 301 * S);
    const marked = q.sql.first<{ n: number }>(
      "SELECT COUNT(*) AS n FROM message WHERE visible_at = ?",
      DEAD,
    );
    expect(marked?.n).toBe(160);
    expect(q.store.deadLetters(64)?.letters).toHaveLength(64);
    expect(q.receive({ max: 16 }, T0 + 301 * S)).toEqual([]);
  });

  it("never delivers a message while it waits to move", () => {
    const q = newQueue({ visibilityTimeout: 10 }, T0, { ...byCount, maxReceiveCount: 1 });
    q.send(["x"]);
    q.receive({ max: 1 }, T0);
    expect(q.store.receive(q.call, { max: 1 }, T0 + 10 * S).deadLettered).toBe(1);
    expect(q.receive({ max: 16 }, T0 + 1000 * S)).toEqual([]);
  });
});

describe("hand-offs into a queue", () => {
  it("stores each key once and keeps the origin for the TCP reply", () => {
    const q = newQueue();
    const item = {
      key: "dlq:queue-src:7",
      body: "poison",
      origin: { queue: "src", pubTime: T0 - 5 * S, dequeueCount: 3 },
    };
    q.store.acceptHandOff(q.call, [item], T0);
    q.store.acceptHandOff(q.call, [item], T0 + 1);
    const [m, none] = q.receive({ max: 16 }, T0 + 2);
    expect(none).toBeUndefined();
    expect(m).toMatchObject({
      body: "poison",
      deadLetter: { originalQueue: "src", originalPubTime: T0 - 5 * S, originalDequeueCount: 3 },
    });
  });

  it("refuses a hand-off that would overfill the queue, storing none of it", () => {
    const q = newQueue({ maxMsgHeapNum: 1 });
    expect(() =>
      q.store.acceptHandOff(
        q.call,
        [
          { key: "a", body: "1" },
          { key: "b", body: "2" },
        ],
        T0,
      ),
    ).toThrow(/maxMsgHeapNum/);
    expect(q.rowCount("message")).toBe(0);
  });
});

describe("redrive", () => {
  it("sends dead-lettered messages back at the given rate, then stops", () => {
    const dlq = newQueue();
    const letters = ["a", "b", "c"].map((body, i) => ({
      key: `k${i}`,
      body,
      origin: { queue: "src", pubTime: T0, dequeueCount: 2 },
    }));
    dlq.store.acceptHandOff(dlq.call, letters, T0);
    dlq.store.startRedrive(dlq.call, 2, T0);
    expect(dlq.store.redriveBatch(T0, 64)?.items).toEqual([]);
    const first = dlq.store.redriveBatch(T0 + S, 64)?.items ?? [];
    expect(first.map((i) => [i.queue, i.body])).toEqual([
      ["src", "a"],
      ["src", "b"],
    ]);
    dlq.store.redriven(
      first.map((i) => i.seq),
      T0 + S,
    );
    const second = dlq.store.redriveBatch(T0 + 2 * S, 64)?.items ?? [];
    dlq.store.redriven(
      second.map((i) => i.seq),
      T0 + 2 * S,
    );
    expect(dlq.store.redriveBatch(T0 + 3 * S, 64)?.items).toEqual([]);
    expect(dlq.store.attributes(dlq.call, T0 + 3 * S)).toMatchObject({
      redrive: null,
      redriveMoved: 3,
      activeMsgNum: 0,
    });
  });
});

describe("dead-letter bindings", () => {
  function catalog() {
    const sql = memorySql();
    migrate(sql, CATALOG_MIGRATIONS);
    return new CatalogStore(sql);
  }

  it("refuses self, nesting either way, and a seventh source", () => {
    const c = catalog();
    expect(() => c.bindDeadLetter("q", "Q")).toThrow(/own dead-letter queue/);
    c.bindDeadLetter("src", "dlq");
    expect(() => c.bindDeadLetter("other", "src")).toThrow(/has a dead-letter queue of its own/);
    expect(() => c.bindDeadLetter("dlq", "third")).toThrow(/is itself a dead-letter queue/);
    for (let i = 2; i <= 6; i++) c.bindDeadLetter(`src${i}`, "dlq");
    expect(() => c.bindDeadLetter("src7", "dlq")).toThrow(/too many times/);
    // Re-binding an existing source is not a new one.
    expect(() => c.bindDeadLetter("src", "dlq")).not.toThrow();
    expect(c.deadLetterSources("dlq", { offset: 0, limit: 50 }).total).toBe(6);
  });

  it("keeps a dead-letter queue in use from being deleted until its sources are unbound", () => {
    const c = catalog();
    c.bindDeadLetter("src", "dlq");
    expect(() => c.checkDeletable("DLQ")).toThrow(/bound by source queues/);
    expect(c.unbindDeadLetter("src")).toBe(true);
    expect(() => c.checkDeletable("dlq")).not.toThrow();
  });
});
