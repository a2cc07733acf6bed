import { describe, expect, it } from "vitest";
import { CatalogStore } from "../../src/domain/catalog/catalog-store";
import { CATALOG_MIGRATIONS } from "../../src/domain/catalog/schema";
import { MAX_QUEUES_PER_TENANT, MAX_TOPICS_PER_TENANT } from "../../src/domain/limits";
import { migrate } from "../../src/domain/sql";
import { memorySql } from "../helpers/node-sql";
import { T0 } from "./queue-fixture";

function newCatalog() {
  const sql = memorySql();
  migrate(sql, CATALOG_MIGRATIONS);
  return new CatalogStore(sql);
}

describe("catalog", () => {
  it("registers a name once, case-insensitively, keeping the first id", () => {
    const c = newCatalog();
    expect(c.register("queue", { name: "Orders", id: "queue-1" }, T0)).toEqual({
      id: "queue-1",
      fresh: true,
    });
    expect(c.register("queue", { name: "orders", id: "queue-2" }, T0)).toEqual({
      id: "queue-1",
      fresh: false,
    });
  });

  it("lists by substring with the total count, oldest first, one page at a time", () => {
    const c = newCatalog();
    for (const [i, name] of ["a_one", "b-two", "a_three", "other"].entries()) {
      c.register("queue", { name, id: `queue-${i}` }, T0 + i);
    }
    expect(c.list("queue", { searchWord: "A_", offset: 0, limit: 1 })).toEqual({
      total: 2,
      entries: [{ name: "a_one", id: "queue-0" }],
    });
    expect(
      c.list("queue", { searchWord: "a_", offset: 1, limit: 20 }).entries.map((e) => e.name),
    ).toEqual(["a_three"]);
    // `_` is a literal character, not a LIKE wildcard.
    expect(c.list("queue", { searchWord: "_t", offset: 0, limit: 20 }).total).toBe(1);
    expect(c.list("queue", { offset: 0, limit: 20 }).total).toBe(4);
  });

  it("refuses a queue beyond the per-tenant limit", () => {
    const c = newCatalog();
    for (let i = 0; i < MAX_QUEUES_PER_TENANT; i++)
      c.register("queue", { name: `q${i}`, id: `queue-${i}` }, T0);
    expect(() => c.register("queue", { name: "one-more", id: "queue-x" }, T0)).toThrow(
      /reached the limit/,
    );
  });

  it("unregisters and reports whether the name was there", () => {
    const c = newCatalog();
    c.register("queue", { name: "q", id: "queue-1" }, T0);
    expect(c.unregister("queue", "Q")).toBe(true);
    expect(c.unregister("queue", "q")).toBe(false);
    expect(c.list("queue", { offset: 0, limit: 20 }).total).toBe(0);
  });

  it("keeps queue and topic names apart, each with its own limit", () => {
    const c = newCatalog();
    c.register("queue", { name: "same", id: "queue-1" }, T0);
    expect(c.register("topic", { name: "same", id: "topic-1" }, T0)).toEqual({
      id: "topic-1",
      fresh: true,
    });
    expect(c.list("topic", { offset: 0, limit: 20 }).entries).toEqual([
      { name: "same", id: "topic-1" },
    ]);
    for (let i = 0; i < MAX_TOPICS_PER_TENANT - 1; i++)
      c.register("topic", { name: `t${i}`, id: `topic-${i}` }, T0);
    expect(() => c.register("topic", { name: "one-more", id: "topic-x" }, T0)).toThrow(
      /number of topics/,
    );
  });

  it("refuses a replayed request stamp", () => {
    const c = newCatalog();
    const stamp = { key: 1, expiresAt: T0 + 1000 };
    c.list("queue", { offset: 0, limit: 20 }, stamp);
    expect(() => c.admit(stamp)).toThrow(/already executed/);
  });

  it("admits a forgotten stamp again: a request that failed after recording it can be retried", () => {
    const c = newCatalog();
    const stamp = { key: 2, expiresAt: T0 + 1000 };
    c.admit(stamp);
    c.forget(stamp);
    expect(() => c.admit(stamp)).not.toThrow();
    expect(() => c.admit(stamp)).toThrow(/already executed/);
  });
});

describe("catalog: API 3.0 filters, tags and the queue subscription index", () => {
  function tagged() {
    const c = newCatalog();
    c.register("queue", { name: "orders-eu", id: "q1" }, T0, undefined, [
      { key: "env", value: "prod" },
      { key: "team", value: "a" },
    ]);
    c.register("queue", { name: "orders-us", id: "q2" }, T0 + 1, undefined, [
      { key: "env", value: "test" },
    ]);
    c.register("queue", { name: "billing", id: "q3" }, T0 + 2, undefined, [
      { key: "env", value: "prod" },
    ]);
    c.register("topic", { name: "orders-eu", id: "t1" }, T0, undefined, [
      { key: "env", value: "test" },
    ]);
    return c;
  }
  const names = (page: { entries: { name: string }[] }) => page.entries.map((e) => e.name);

  it("filters by tag key and values, every filter at once, and returns each entry's tags", () => {
    const c = tagged();
    const prod = c.listTagged("queue", {
      offset: 0,
      limit: 20,
      tags: [{ key: "env", values: ["prod"] }],
    });
    expect(prod.total).toBe(2);
    expect(prod.entries).toEqual([
      {
        name: "orders-eu",
        id: "q1",
        tags: [
          { key: "env", value: "prod" },
          { key: "team", value: "a" },
        ],
        deadLetterSources: [],
      },
      { name: "billing", id: "q3", tags: [{ key: "env", value: "prod" }], deadLetterSources: [] },
    ]);
    const both = c.listTagged("queue", {
      offset: 0,
      limit: 20,
      tags: [
        { key: "env", values: ["prod", "test"] },
        { key: "team", values: [] },
      ],
    });
    expect(names(both)).toEqual(["orders-eu"]);
    // Topics carry their own tags.
    expect(
      names(
        c.listTagged("topic", { offset: 0, limit: 20, tags: [{ key: "env", values: ["prod"] }] }),
      ),
    ).toEqual([]);
  });

  it("combines a fuzzy name, exact names (any case) and paging", () => {
    const c = tagged();
    expect(
      c.listTagged("queue", {
        searchWord: "ORDERS",
        names: ["Orders-US", "billing"],
        offset: 0,
        limit: 20,
      }),
    ).toMatchObject({ total: 1, entries: [{ name: "orders-us" }] });
    const page = c.listTagged("queue", { offset: 1, limit: 1 });
    expect({ total: page.total, names: names(page) }).toEqual({ total: 3, names: ["orders-us"] });
  });

  it("forgets a name's tags when it is unregistered, so a new queue of that name has none", () => {
    const c = tagged();
    c.unregister("queue", "orders-eu");
    c.register("queue", { name: "orders-eu", id: "q9" }, T0 + 9);
    expect(
      c.listTagged("queue", { offset: 0, limit: 20, tags: [{ key: "team", values: [] }] }).total,
    ).toBe(0);
  });

  it("indexes queue subscriptions by queue, case-insensitively, and forgets them by topic", () => {
    const c = newCatalog();
    expect(c.addQueueSubscription("Q", { topic: "t1", subscription: "s1" }, T0)).toBe(true);
    expect(c.addQueueSubscription("q", { topic: "T1", subscription: "S1" }, T0)).toBe(false);
    c.addQueueSubscription("q", { topic: "t2", subscription: "s1" }, T0 + 1);
    c.addQueueSubscription("other", { topic: "t1", subscription: "s2" }, T0 + 2);
    expect(c.queueSubscriptions("q", { offset: 0, limit: 20 })).toEqual({
      total: 2,
      entries: [
        { topic: "t1", subscription: "s1" },
        { topic: "t2", subscription: "s1" },
      ],
    });
    c.removeQueueSubscription({ topic: "t1", subscription: "s1" });
    expect(c.queueSubscriptions("q", { searchWord: "S", offset: 0, limit: 20 }).entries).toEqual([
      { topic: "t2", subscription: "s1" },
    ]);
  });
});
