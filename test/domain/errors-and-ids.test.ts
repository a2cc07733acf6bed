import { describe, expect, it } from "vitest";
import { type CmqErrorData, toWire } from "../../src/domain/errors";
import {
  MAX_SEQ,
  messageIdOf,
  parseReceiptHandle,
  parseUint64,
  receiptHandleOf,
} from "../../src/domain/ids";
import { utf8Length } from "../../src/domain/utf8";

describe("error table", () => {
  it.each<[CmqErrorData, number, string]>([
    [{ kind: "noMessage" }, 7000, "(10200)no message"],
    [{ kind: "queueNotFound", queue: "q" }, 4440, "(10100)queue is not existed, or deleted: q"],
    [
      { kind: "queueAlreadyExists", queue: "q" },
      4000,
      "(4460)queue is already existed,case insensitive: q",
    ],
    [{ kind: "receiptHandleInvalid" }, 4430, "(10260)receipt handle is invalid"],
    [{ kind: "unknownAction", action: "Foo" }, 4000, "(10430)action name Foo is not existed"],
    [{ kind: "signatureMismatch" }, 4100, "(10030)authentication failed"],
    [
      { kind: "queueFull", limit: 5 },
      4410,
      "(10240)reach maximum retention number of message (maxMsgHeapNum 5)",
    ],
    [{ kind: "deletePartiallyFailed" }, 6010, "(10150)delete message partially failed"],
  ])("maps %j to code %i", (error, code, message) => {
    expect(toWire(error)).toEqual({ code, message });
  });
});

describe("ids", () => {
  it("composes and parses receipt handles with shard, seq and delivery tag", () => {
    const handle = receiptHandleOf({ shard: 200, seq: MAX_SEQ }, 70_000);
    expect(handle < 2n ** 64n).toBe(true);
    expect(parseReceiptHandle(handle)).toEqual({ shard: 200, seq: MAX_SEQ, tag: 70_000 & 0xffff });
    expect(messageIdOf({ shard: 1, seq: 5 })).toBe((1n << 56n) + 5n);
  });

  it("parses only decimal uint64 text", () => {
    expect(parseUint64("18446744073709551615")).toBe(2n ** 64n - 1n);
    for (const bad of ["18446744073709551616", "-1", "1e3", "", "0x10", " 1"]) {
      expect(parseUint64(bad)).toBeUndefined();
    }
  });

  it("measures UTF-8 length like TextEncoder", () => {
    for (const text of ["", "abc", "héllo", "世界", "😀x", "\ud800"]) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});
