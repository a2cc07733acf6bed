import { describe, expect, it } from "vitest";
import { CatalogStore } from "../../src/domain/catalog/catalog-store";
import { CATALOG_MIGRATIONS } from "../../src/domain/catalog/schema";
import { MAX_QUEUES_PER_TENANT } from "../../src/domain/limits";
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
    expect(c.registerQueue({ name: "Orders", queueId: "queue-1" }, T0)).toEqual({
      queueId: "queue-1",
      fresh: true,
    });
    expect(c.registerQueue({ name: "orders", queueId: "queue-2" }, T0)).toEqual({
      queueId: "queue-1",
      fresh: false,
    });
  });

  it("lists by substring with the total count, oldest first, one page at a time", () => {
    const c = newCatalog();
    for (const [i, name] of ["a_one", "b-two", "a_three", "other"].entries()) {
      c.registerQueue({ name, queueId: `queue-${i}` }, T0 + i);
    }
    expect(c.listQueues({ searchWord: "A_", offset: 0, limit: 1 })).toEqual({
      total: 2,
      entries: [{ name: "a_one", queueId: "queue-0" }],
    });
    expect(
      c.listQueues({ searchWord: "a_", offset: 1, limit: 20 }).entries.map((e) => e.name),
    ).toEqual(["a_three"]);
    // `_` is a literal character, not a LIKE wildcard.
    expect(c.listQueues({ searchWord: "_t", offset: 0, limit: 20 }).total).toBe(1);
    expect(c.listQueues({ offset: 0, limit: 20 }).total).toBe(4);
  });

  it("refuses a queue beyond the per-tenant limit", () => {
    const c = newCatalog();
    for (let i = 0; i < MAX_QUEUES_PER_TENANT; i++)
      c.registerQueue({ name: `q${i}`, queueId: `queue-${i}` }, T0);
    expect(() => c.registerQueue({ name: "one-more", queueId: "queue-x" }, T0)).toThrow(
      /reached the limit/,
    );
  });

  it("unregisters and reports whether the name was there", () => {
    const c = newCatalog();
    c.registerQueue({ name: "q", queueId: "queue-1" }, T0);
    expect(c.unregisterQueue("Q")).toBe(true);
    expect(c.unregisterQueue("q")).toBe(false);
    expect(c.listQueues({ offset: 0, limit: 20 }).total).toBe(0);
  });

  it("refuses a replayed request stamp", () => {
    const c = newCatalog();
    const stamp = { key: 1, expiresAt: T0 + 1000 };
    c.listQueues({ offset: 0, limit: 20 }, stamp);
    expect(() => c.admit(stamp)).toThrow(/already used/);
  });
});
