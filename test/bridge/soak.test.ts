import { describe, expect, it } from "vitest";
import { runSoak } from "../helpers/soak";

describe("soak (short)", () => {
  it("serves many TCP connections and HTTP long-pollers with steady traffic and no unexpected errors", async () => {
    const report = await runSoak({
      connections: 100,
      pollers: 10,
      seconds: 15,
      intervalMs: 1000,
      sampleSeconds: 5,
    });
    expect(report.errorExamples).toEqual([]);
    expect(report.errors).toBe(0);
    expect(report.sends).toBeGreaterThan(0);
    expect(report.received).toBeGreaterThan(0);
  }, 90_000);
});
