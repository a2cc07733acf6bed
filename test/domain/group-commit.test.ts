import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { Batcher } from "../../src/domain/group-commit";

describe("group commit", () => {
  it("merges items waiting behind a call in flight, by count and by weight, answering each", async () => {
    const calls: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batcher = new Batcher<number, number>(
      { maxInFlight: 1, maxItems: 3, maxWeight: 25 },
      async (_key, items) => {
        calls.push(items);
        await gate;
        return items.map((n) => n * 10);
      },
      (n) => n,
    );
    const results = Promise.all([1, 2, 3, 4, 20, 30].map((n) => batcher.submit("k", n)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    expect(await results).toEqual([10, 20, 30, 40, 200, 300]);
    // First call: everything arrived in one tick, up to 3 items; then weight caps [4, 20] at 24;
    // 30 alone exceeds the weight but one item always goes.
    expect(calls).toEqual([[1, 2, 3], [4, 20], [30]]);
    expect(batcher.stats).toEqual({ calls: 3, items: 6 });
  });

  it("answers every item of a failed call with the failure", async () => {
    const batcher = new Batcher<number, number>(
      { maxInFlight: 1, maxItems: 8, maxWeight: 100 },
      async () => {
        throw new Error("worker unreachable");
      },
    );
    const outcomes = await Promise.allSettled([batcher.submit("k", 1), batcher.submit("k", 2)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  });

  it("has each call made by its batch's first item, in that item's own execution", async () => {
    // A Worker's I/O belongs to the request that starts it: a call must run in the context of a
    // request it answers, never in that of one that may have answered already.
    const context = new AsyncLocalStorage<number>();
    const callers: { by: number | undefined; items: number[] }[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batcher = new Batcher<number, number>(
      { maxInFlight: 1, maxItems: 2, maxWeight: 100 },
      async (_key, items) => {
        callers.push({ by: context.getStore(), items });
        await gate;
        return items;
      },
    );
    const results = Promise.all(
      [1, 2, 3, 4, 5].map((n) => context.run(n, () => batcher.submit("k", n))),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    expect(await results).toEqual([1, 2, 3, 4, 5]);
    expect(callers).toEqual([
      { by: 1, items: [1, 2] },
      { by: 3, items: [3, 4] },
      { by: 5, items: [5] },
    ]);
  });
});
