/** stats' rates (cli/rates.ts), rewind's times (cli/times.ts) and the error lines (cli/failure.ts). */
import { CmqApi3Error, CmqHttpError, CmqNetworkError } from "cmq-edge/client";
import { describe, expect, it } from "vitest";
import { describeFailure, EXIT, UsageError } from "../../../cli/failure";
import { formatRate, ratesOf } from "../../../cli/rates";
import { isoSeconds, parseTime } from "../../../cli/times";

const minute = (time: number, sent: number, received = 0, deleted = 0) => ({
  time,
  sent,
  received,
  deleted,
});

describe("ratesOf", () => {
  const t0 = 1_800_000_000 - (1_800_000_000 % 60);
  const history = [
    minute(t0 - 180, 600),
    minute(t0 - 120, 60, 30),
    minute(t0 - 60, 120, 60, 60),
    minute(t0, 30, 0, 0),
  ];

  it("averages the window's whole minutes and the part of this one that has passed", () => {
    // Two whole minutes and 30 s of the current one: 210 messages in 150 s.
    expect(ratesOf(history, 3, (t0 + 30) * 1000)).toEqual({
      sent: 210 / 150,
      received: 90 / 150,
      deleted: 60 / 150,
    });
    expect(ratesOf(history, 1, (t0 + 10) * 1000).sent).toBe(3);
  });

  it("counts a just-begun minute as one second, and no history as no rate", () => {
    expect(ratesOf([minute(t0, 5)], 5, t0 * 1000).sent).toBe(5);
    expect(ratesOf([], 5, t0 * 1000)).toEqual({ sent: 0, received: 0, deleted: 0 });
    expect([formatRate(0), formatRate(1 / 3)]).toEqual(["0", "0.33"]);
  });
});

describe("parseTime", () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  it("takes Unix seconds, ISO 8601 and a duration ago", () => {
    expect(parseTime("1764000000", now)).toBe(1_764_000_000);
    expect(parseTime("2026-11-25T11:00:00Z", now)).toBe(now / 1000 - 3600);
    expect(parseTime("15m", now)).toBe(now / 1000 - 900);
    expect(parseTime("1d", now)).toBe(now / 1000 - 86_400);
    expect(() => parseTime("yesterday", now)).toThrow(UsageError);
    expect(isoSeconds(now / 1000)).toBe("2026-11-25T12:00:00Z");
    expect(isoSeconds(0)).toBe("-");
  });
});

describe("describeFailure", () => {
  const at = "http://127.0.0.1:8787/v2/index.php";
  it("keeps CMQ's code and message, on one line, exit 1", () => {
    const error = new CmqHttpError("SendMessage", {
      code: 4440,
      message: "(10100)queue is not existed",
      requestId: "r1",
    });
    expect(describeFailure(error, at)).toEqual({
      exitCode: EXIT.refused,
      line: "cmq-edge: SendMessage failed with CMQ code 4440: (10100)queue is not existed",
      json: {
        error: {
          action: "SendMessage",
          code: 4440,
          message: "(10100)queue is not existed",
          requestId: "r1",
        },
      },
    });
    const api3 = new CmqApi3Error(
      "ClearCmqQueue",
      { Code: "ResourceNotFound", Message: "gone" },
      "r2",
    );
    expect(describeFailure(api3, at).line).toBe(
      "cmq-edge: ClearCmqQueue failed with API 3.0 code ResourceNotFound: gone",
    );
  });

  it("tells usage (2) from no answer (3)", () => {
    expect(describeFailure(new UsageError("bad"), at)).toMatchObject({
      exitCode: 2,
      line: "cmq-edge: bad",
    });
    expect(
      describeFailure(new CmqNetworkError("ListQueue: fetch failed (ECONNREFUSED)"), at),
    ).toMatchObject({
      exitCode: 3,
      line: `cmq-edge: no answer as CMQ from ${at}: ListQueue: fetch failed (ECONNREFUSED)`,
    });
    expect(describeFailure(new Error("ListQueue: HTTP 502"), at).exitCode).toBe(3);
  });
});
