/**
 * Parked long polls (src/objects/waiters.ts): a batch of messages wakes the longest-waiting
 * receivers until what they would take covers it, not one receiver per message.
 */
import { describe, expect, it } from "vitest";
import { Waiters } from "../../src/objects/waiters";

const FAR = Date.now() + 3_600_000;

function park(waiters: Waiters, wants: number[]) {
  const woken = wants.map(() => false);
  wants.forEach((n, i) => {
    void waiters.wait(FAR, [`w${i}`], n).then(() => {
      woken[i] = true;
    });
  });
  return woken;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Waiters", () => {
  it("wakes the longest-waiting until their wants cover the messages", async () => {
    const waiters = new Waiters();
    const woken = park(waiters, [16, 16, 1, 16]);
    waiters.wake(8);
    await settled();
    expect(woken).toEqual([true, false, false, false]);
    waiters.wake(17);
    await settled();
    expect(woken).toEqual([true, true, true, false]);
    expect(waiters.size).toBe(1);
    waiters.wakeAll();
    await settled();
    expect(woken).toEqual([true, true, true, true]);
    expect(waiters.size).toBe(0);
  });

  it("wakes one per message when each would take one", async () => {
    const waiters = new Waiters();
    const woken = park(waiters, [1, 1, 1]);
    waiters.wake(2);
    await settled();
    expect(woken).toEqual([true, true, false]);
    waiters.cancel("w2");
    await settled();
    expect(woken).toEqual([true, true, true]);
  });
});
