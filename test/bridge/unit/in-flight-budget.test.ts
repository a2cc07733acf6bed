import { describe, expect, it } from "vitest";
import { Batcher } from "../../../tcp-bridge/src/batcher";
import { InFlightBudget } from "../../../tcp-bridge/src/in-flight-budget";

describe("in-flight budget", () => {
  it("wakes a long line of waiters one at a time without growing the stack", async () => {
    const budget = new InFlightBudget(1);
    expect(budget.take()).toBe(true);
    let woken = 0;
    // Each waiter, once woken, takes a unit and gives it straight back (a frame that fails to
    // decode does exactly this), which wakes the next.
    for (let i = 0; i < 20_000; i++) {
      budget.wait(() => {
        woken++;
        if (budget.take()) budget.give();
      });
    }
    budget.give();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(woken).toBe(20_000);
    expect(budget.inUse).toBe(0);
  });
});

describe("batcher", () => {
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
});
