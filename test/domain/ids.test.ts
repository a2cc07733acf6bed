import { describe, expect, it } from "vitest";
import {
  MAX_SEQ,
  messageIdOf,
  parseReceiptHandle,
  parseUint64,
  receiptHandleOf,
} from "../../src/domain/ids";
import { utf8Length } from "../../src/domain/utf8";

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
