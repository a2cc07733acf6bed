import { describe, expect, it } from "vitest";
import { CmqError } from "../../src/domain/errors";
import { subscriptionMatches } from "../../src/domain/topic/filter";
import { RETRY_POLICY, retryDelayMs } from "../../src/domain/topic/retry-schedule";
import { bindingMatches, checkKey } from "../../src/domain/topic/routing-key";

describe("binding keys against routing keys", () => {
  it.each([
    ["a.b.c", "a.b.c", true],
    ["a.b.c", "a.b", false],
    ["a.*.c", "a.x.c", true],
    ["a.*.c", "a.c", false],
    ["a.*.c", "a.x.y.c", false],
    ["*.common", "system.common", true],
    ["*.common", "app.common", true],
    ["system.common", "app.common", false],
    ["route.#", "route.single", true],
    ["route.#", "route", true],
    ["route.#", "route.a.b.c", true],
    ["route.#", "other.single", false],
    ["1.#.0", "1.2.3.4.4.2.2.0", true],
    ["1.#.0", "1.0", true],
    ["1.#.0", "1.2.3", false],
    ["#", "anything.at.all", true],
    ["#", "x", true],
    ["#.end", "end", true],
    ["*.#", "a", true],
    ["*.*", "a", false],
    ["a.#.#.b", "a.b", true],
  ])("%s matches %s: %s", (binding, routing, expected) => {
    expect(bindingMatches(binding, routing)).toBe(expected);
  });

  it.each([
    ["bindingKey", "a.b*", "stand alone"],
    ["bindingKey", "a..b", "empty word"],
    ["bindingKey", "", "empty"],
    ["routingKey", "a.*", "cannot hold"],
    ["routingKey", `${"a.".repeat(16)}a`, "dots"],
    ["routingKey", "x".repeat(65), "64 bytes"],
  ] as const)("refuses %s %j (%s)", (what, value, reason) => {
    expect(() => checkKey(what, value)).toThrow(CmqError);
    expect(() => checkKey(what, value)).toThrow(reason);
  });

  it.each(["a.b", "#", "*.x.#", `${"a.".repeat(15)}a`])("accepts bindingKey %j", (value) => {
    expect(() => checkKey("bindingKey", value)).not.toThrow();
  });
});

describe("subscription filters", () => {
  const none = { filterTags: [], bindingKeys: [] };
  const tagged = { filterTags: ["system", "audit"], bindingKeys: ["ignored.#"] };
  it.each([
    [1, none, { tags: [] }, true],
    [1, none, { tags: ["x"] }, true],
    [1, tagged, { tags: [] }, false],
    [1, tagged, { tags: ["audit"] }, true],
    [1, tagged, { tags: ["other"] }, false],
    // Under filterType 1 binding keys are ignored (Java SDK testTopicWithRouteKey).
    [1, { filterTags: [], bindingKeys: ["route.#"] }, { tags: [], routingKey: "other" }, true],
    [
      2,
      { filterTags: ["x"], bindingKeys: ["system.common"] },
      { tags: [], routingKey: "system.common" },
      true,
    ],
    [
      2,
      { filterTags: [], bindingKeys: ["*.common"] },
      { tags: [], routingKey: "app.common" },
      true,
    ],
    [
      2,
      { filterTags: [], bindingKeys: ["system.common"] },
      { tags: [], routingKey: "app.common" },
      false,
    ],
    [2, { filterTags: [], bindingKeys: ["#"] }, { tags: [] }, false],
    [2, none, { tags: [], routingKey: "a" }, false],
  ] as const)("filterType %i, subscription %j, message %j: %s", (type, sub, msg, expected) => {
    expect(subscriptionMatches(type, sub, msg)).toBe(expected);
  });
});

describe("retry schedules", () => {
  it("retries BACKOFF_RETRY three times at a fixed interval", () => {
    const delays = [1, 2, 3, 4].map((n) => retryDelayMs("BACKOFF_RETRY", n));
    expect(delays).toEqual([20_000, 20_000, 20_000, null]);
  });

  it("doubles EXPONENTIAL_DECAY_RETRY intervals up to 512 s, 176 retries spanning about a day", () => {
    const delays = Array.from({ length: RETRY_POLICY.exponential.retries + 1 }, (_, i) =>
      retryDelayMs("EXPONENTIAL_DECAY_RETRY", i + 1),
    );
    expect(delays.slice(0, 11)).toEqual(
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512].map((s) => s * 1000),
    );
    expect(delays.at(-1)).toBeNull();
    const total = delays.reduce<number>((sum, d) => sum + (d ?? 0), 0) / 1000;
    expect(total).toBeGreaterThan(0.95 * 86_400);
    expect(total).toBeLessThan(1.05 * 86_400);
  });
});
