import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nameParam, parseParams } from "../../src/contract/cmq-zod";
import { CmqError } from "../../src/domain/errors";
import { decodeForm } from "../../src/http/form-decoding";
import { batchParam, bodyParam, intParam, optionalInt } from "../../src/http/param-schemas";
import { collectParams } from "../../src/http/params";

const bytes = (text: string) => new TextEncoder().encode(text);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof CmqError) return e.data;
    throw e;
  }
  throw new Error("expected a CmqError");
}

describe("form decoding", () => {
  it("decodes + and percent escapes into UTF-8 text, keeping order", () => {
    expect(decodeForm(bytes("b=hello+world&a=a%2Bb%26c&c=%E4%B8%96&empty=&flag"), "body")).toEqual([
      ["b", "hello world"],
      ["a", "a+b&c"],
      ["c", "世"],
      ["empty", ""],
      ["flag", ""],
    ]);
  });

  it("refuses bad escapes and bytes that are not UTF-8", () => {
    expect(errorOf(() => decodeForm(bytes("a=%zz"), "body"))).toMatchObject({
      kind: "malformedRequest",
    });
    expect(errorOf(() => decodeForm(bytes("a=%ff%fe"), "body"))).toMatchObject({
      kind: "malformedRequest",
    });
    expect(errorOf(() => decodeForm(new Uint8Array([0x61, 0x3d, 0xc3]), "body"))).toMatchObject({
      kind: "malformedRequest",
    });
  });
});

describe("parameter collection", () => {
  it("gathers name.N into arrays starting at 0 or 1", () => {
    expect(
      collectParams([
        ["m.1", "a"],
        ["m.2", "b"],
        ["q", "x"],
      ]),
    ).toEqual({ m: ["a", "b"], q: "x" });
    expect(
      collectParams([
        ["m.1", "b"],
        ["m.0", "a"],
      ]),
    ).toEqual({ m: ["a", "b"] });
  });

  it("refuses gaps, a start above 1, and repeated keys", () => {
    expect(
      errorOf(() =>
        collectParams([
          ["m.1", "a"],
          ["m.3", "b"],
        ]),
      ),
    ).toEqual({ kind: "arrayNotConsecutive", name: "m" });
    expect(errorOf(() => collectParams([["m.2", "a"]]))).toEqual({
      kind: "arrayNotConsecutive",
      name: "m",
    });
    expect(
      errorOf(() =>
        collectParams([
          ["q", "a"],
          ["q", "b"],
        ]),
      ),
    ).toEqual({ kind: "parameterNotRepeatable", name: "q" });
    expect(
      errorOf(() =>
        collectParams([
          ["m.1", "a"],
          ["m.1", "b"],
        ]),
      ),
    ).toEqual({ kind: "parameterNotRepeatable", name: "m.1" });
  });

  it("trims keys for lookup (GONK sends `searchWord `)", () => {
    expect(collectParams([["searchWord ", "x"]])).toEqual({ searchWord: "x" });
  });
});

describe("parameter schemas", () => {
  const schema = z.object({
    queueName: nameParam("queue"),
    n: intParam("n", { min: 1, max: 16 }),
    wait: optionalInt("wait", { min: 0, max: 30 }),
    body: batchParam("body", bodyParam()).optional(),
  });

  it("types valid input", () => {
    expect(parseParams(schema, { queueName: "q_1", n: "16", wait: "" })).toEqual({
      queueName: "q_1",
      n: 16,
    });
  });

  it.each([
    [{ n: "1" }, { kind: "missingParameter", name: "queueName" }],
    [
      { queueName: "1q", n: "1" },
      { kind: "invalidName", what: "queue", name: "1q" },
    ],
    [{ queueName: "q".repeat(65), n: "1" }, { kind: "invalidName" }],
    [
      { queueName: "q", n: "x" },
      { kind: "parameterType", name: "n" },
    ],
    [
      { queueName: "q", n: "1.5" },
      { kind: "parameterType", name: "n" },
    ],
    [
      { queueName: "q", n: "17" },
      { kind: "parameterOutOfRange", name: "n" },
    ],
    [
      { queueName: "q", n: "1", wait: "31" },
      { kind: "parameterOutOfRange", name: "wait" },
    ],
    [{ queueName: "q", n: "1", body: [""] }, { kind: "emptyMessageBody" }],
    [
      { queueName: "q", n: "1", body: Array.from({ length: 17 }, () => "x") },
      { kind: "batchSizeOutOfRange", name: "body" },
    ],
    [
      { queueName: "q", n: "1", body: "scalar" },
      { kind: "parameterType", name: "body" },
    ],
  ])("maps %j to %j", (input, error) => {
    expect(errorOf(() => parseParams(schema, input))).toMatchObject(error);
  });
});
