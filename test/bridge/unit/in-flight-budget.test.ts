import { describe, expect, it } from "vitest";
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
