import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CMD } from "../../../tcp-bridge/src/codec/commands";
import {
  type FrameError,
  FrameReader,
  OVERSIZED_HEAD_BYTES,
  writeFrame,
} from "../../../tcp-bridge/src/codec/frame";
import { decodeReply, encodeReply, type TcpReply } from "../../../tcp-bridge/src/codec/replies";
import {
  answerOversized,
  decodeRequest,
  encodeRequest,
  type TcpRequest,
} from "../../../tcp-bridge/src/codec/requests";

const hex = (text: string) =>
  Uint8Array.from(
    text
      .trim()
      .split(/\s+/)
      .map((b) => Number.parseInt(b, 16)),
  );
const toHex = (bytes: Uint8Array) =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
const utf8 = (text: string) => new TextEncoder().encode(text);

// Captured from the official Java TCP SDK (the maintainers' cmq-api-tcp.md "Hex fixtures").
const FIXTURES: { name: string; hex: string; request: TcpRequest }[] = [
  {
    name: "heartbeat",
    hex: "00 00 0b 00 00 00 08 04 10 90 08",
    request: { seqno: 4n, cmd: CMD.heartbeat, oneway: false, kind: "heartbeat" },
  },
  {
    name: "auth",
    hex: `00 00 5f 00 00 00 08 02 10 fc 07 ba 0c 51 0a 14 41 4b 49 44 73 65 6c 66 63 68 65 63 6b 45 58 41
      4d 50 4c 45 12 1c 64 6a 45 43 33 37 38 65 61 64 31 39 4f 30 59 75 4b 6e 56 66 49 51 39 67 66 38
      4d 3d 1a 11 31 39 32 2e 30 2e 32 2e 32 40 44 45 46 41 55 4c 54 22 08 48 6d 61 63 53 48 41 31`,
    request: {
      seqno: 2n,
      cmd: CMD.auth,
      oneway: false,
      kind: "auth",
      secretId: "AKIDselfcheckEXAMPLE",
      signature: "djEC378ead19O0YuKnVfIQ9gf8M=",
      clientId: "192.0.2.2@DEFAULT",
      signatureMethod: "HmacSHA1",
    },
  },
  {
    name: "pull",
    hex: "00 00 20 00 00 00 08 03 10 ff 07 d2 0c 12 0a 0e 6a 74 33 64 65 73 6a 69 63 2d 6d 61 69 6e 10 01",
    request: {
      seqno: 3n,
      cmd: CMD.pull,
      oneway: false,
      kind: "pull",
      batch: false,
      queue: "jt3desjic-main",
      max: 1,
      waitSeconds: 1,
      visibilityTimeoutSeconds: undefined,
    },
  },
];

const SEND_HEX = `00 00 5b 00 00 00 08 01 10 fd 07 50 01 c2 0c 4b 0a 0e 6a 74 33 64 65 73 6a 69 63 2d 6d 61 69 6e
  12 39 73 65 6e 64 2d 30 2d 68 c3 a9 6c 6c 6f 2d e4 b8 96 e7 95 8c 2d 65 64 32 36 64 61 62 62 2d
  61 65 34 33 2d 34 36 34 32 2d 38 39 37 37 2d 31 36 32 30 34 32 39 62 38 30 32 64`;

function frameBody(frameHex: string): Uint8Array {
  const { frames, error } = new FrameReader(1 << 20).push(hex(frameHex));
  expect(error).toBeUndefined();
  expect(frames).toHaveLength(1);
  return frames[0] as Uint8Array;
}

describe("golden frames from the Java TCP SDK", () => {
  it.each(FIXTURES)(
    "decodes and re-encodes the $name frame byte for byte",
    ({ hex: frameHex, request }) => {
      const decoded = decodeRequest(frameBody(frameHex));
      expect(decoded).toEqual({ ok: true, request });
      expect(toHex(writeFrame(encodeRequest(request)))).toBe(toHex(hex(frameHex)));
    },
  );

  it("decodes the send frame, body as UTF-8 bytes; request_id is read but not needed", () => {
    const decoded = decodeRequest(frameBody(SEND_HEX));
    expect(decoded).toMatchObject({
      ok: true,
      request: {
        seqno: 1n,
        cmd: CMD.send,
        kind: "send",
        batch: false,
        queue: "jt3desjic-main",
        delaySeconds: 0,
      },
    });
    if (!decoded.ok) throw new Error("decode failed");
    const body = decoded.request.kind === "send" ? decoded.request.bodies[0] : undefined;
    expect(new TextDecoder().decode(body)).toBe(
      "send-0-héllo-世界-ed26dabb-ae43-4642-8977-1620429b802d",
    );
  });

  it("encodes a heartbeat reply as the 11-byte frame the SDK sends", () => {
    expect(toHex(writeFrame(encodeReply({ seqno: 4n, cmd: CMD.heartbeat, kind: "ok" })))).toBe(
      "00 00 0b 00 00 00 08 04 10 90 08",
    );
  });
});

describe("replies", () => {
  const message = {
    msgId: 2n ** 63n + 5n,
    receiptHandle: 2n ** 64n - 1n,
    body: utf8("héllo"),
    enqueueTime: 1_700_000_000,
    nextVisibleTime: 1_700_000_030,
    firstDequeueTime: 1_700_000_001,
    dequeueCount: 2,
  };
  it.each<TcpReply>([
    { seqno: 9n, cmd: CMD.send, kind: "msgIds", ids: [1n, 2n ** 64n - 1n] },
    { seqno: 9n, cmd: CMD.pull, kind: "pulled", batch: false, messages: [message] },
    { seqno: 9n, cmd: CMD.batchPull, kind: "pulled", batch: true, messages: [message, message] },
    {
      seqno: 9n,
      cmd: CMD.batchDelete,
      kind: "deleted",
      failures: [{ receiptHandle: 7n, code: 4430, message: "stale" }],
    },
    { seqno: -1n, cmd: CMD.pull, kind: "error", result: 10200, error: "(10200)no message" },
    { seqno: 3n, cmd: CMD.transactionQuery, kind: "transactionQuery", queue: "q", msgId: 42n },
    { seqno: 3n, cmd: CMD.auth, kind: "ok" },
  ])("round-trips a $kind reply with uint64 ids intact", (reply) => {
    expect(decodeReply(encodeReply(reply))).toEqual(reply);
  });

  it("writes repeated uint64 msgids unpacked (proto2), as the SDK sends them", () => {
    const bytes = encodeReply({ seqno: 1n, cmd: CMD.batchSend, kind: "msgIds", ids: [1n, 2n] });
    // field 29, wire type 0 (varint): tag 0xe8 0x01, once per id.
    expect(toHex(bytes)).toContain("e8 01 01 e8 01 02");
  });
});

describe("request errors and protocol errors", () => {
  it("answers an unknown command on its seqno", () => {
    const body = encodeRequest({ seqno: 5n, cmd: 1999, oneway: false, kind: "heartbeat" });
    expect(decodeRequest(body)).toMatchObject({
      ok: false,
      fatal: false,
      seqno: 5n,
      cmd: 1999,
      error: { kind: "unknownAction" },
    });
  });

  it("answers a known command without its body field", () => {
    const body = encodeRequest({ seqno: 6n, cmd: CMD.send, oneway: false, kind: "heartbeat" });
    expect(decodeRequest(body)).toMatchObject({
      ok: false,
      fatal: false,
      error: { kind: "missingParameter", name: "tcp_send_msg" },
    });
  });

  it("treats bytes that are not a CMQProto as fatal", () => {
    expect(decodeRequest(hex("ff ff ff ff"))).toMatchObject({ ok: false, fatal: true });
    expect(decodeRequest(new Uint8Array(0))).toMatchObject({
      ok: false,
      fatal: true,
      reason: expect.stringContaining("seqno"),
    });
  });
});

describe("framing", () => {
  it("refuses a bad marker, a length under 6 and a length over the maximum before buffering", () => {
    expect(new FrameReader(100).push(hex("01 00 0b 00 00 00"))).toEqual({
      frames: [],
      error: { kind: "badMarker" },
    });
    expect(new FrameReader(100).push(hex("00 00 05 00 00 00"))).toEqual({
      frames: [],
      error: { kind: "lengthTooSmall", length: 5 },
    });
    const huge = new FrameReader(100);
    // Only the start of its body is waited for: it carries the head a "too large" reply needs.
    expect(huge.push(hex("00 00 ff ff ff 7f 08 07"))).toEqual({ frames: [] });
    expect(huge.pending).toBe(8);
    expect(huge.push(new Uint8Array(1 << 16))).toEqual({
      frames: [],
      error: {
        kind: "lengthTooLarge",
        length: 0x7fffffff,
        max: 100,
        bodyStart: Uint8Array.from([8, 7, ...new Uint8Array(OVERSIZED_HEAD_BYTES - 2)]),
      },
    });
    expect(huge.pending).toBe(0);
  });

  it("stays broken after a protocol error", () => {
    const reader = new FrameReader(100);
    reader.push(hex("01 00 0b 00 00 00"));
    expect(reader.push(hex("00 00 0b 00 00 00 08 04 10 90 08")).frames).toEqual([]);
  });

  const allFixtures = [...FIXTURES.map((f) => hex(f.hex)), hex(SEND_HEX)];
  const stream = Uint8Array.from(allFixtures.flatMap((f) => [...f]));

  it("reads every fixture fed one byte at a time", () => {
    const reader = new FrameReader(1 << 20);
    const frames: Uint8Array[] = [];
    for (const byte of stream) frames.push(...reader.push(Uint8Array.of(byte)).frames);
    expect(frames.map(toHex)).toEqual(allFixtures.map((f) => toHex(f.slice(6))));
    expect(reader.pending).toBe(0);
  });

  it("reads glued and randomly split frames the same as whole ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }),
        (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const reader = new FrameReader(1 << 20);
          const frames: Uint8Array[] = [];
          let last = 0;
          for (const p of [...points, stream.length]) {
            frames.push(...reader.push(stream.slice(last, p)).frames);
            last = p;
          }
          expect(frames.map(toHex)).toEqual(allFixtures.map((f) => toHex(f.slice(6))));
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe("frames over the size limit", () => {
  const big = new Uint8Array(300).fill(0x61);
  const head = { seqno: 9_007_199_254_740_993n, oneway: false } as const;
  const frameOf = (r: TcpRequest) => writeFrame(encodeRequest(r));
  /** The error a reader with a 100-byte limit reports for `frame` fed one byte at a time. */
  function oversized(frame: Uint8Array) {
    const reader = new FrameReader(100);
    let error: FrameError | undefined;
    for (const byte of frame) error ??= reader.push(Uint8Array.of(byte)).error;
    if (error?.kind !== "lengthTooLarge") throw new Error(`expected lengthTooLarge, got ${error}`);
    expect(reader.pending).toBe(0);
    return error;
  }
  const send = (batch: boolean): TcpRequest => ({
    ...head,
    cmd: batch ? CMD.batchSend : CMD.send,
    kind: "send",
    batch,
    queue: "q",
    bodies: batch ? [big, big] : [big],
    delaySeconds: 0,
  });

  it("answers a send on its seqno and cmd with CMQ's message-too-large error", () => {
    const frame = frameOf(send(false));
    expect(answerOversized(oversized(frame))).toEqual({
      seqno: head.seqno,
      cmd: CMD.send,
      error: { kind: "messageTooLarge", size: frame.length, limit: 100 },
    });
  });

  it("answers a batch send or batch publish with CMQ's batch-too-large error", () => {
    const frame = frameOf(send(true));
    expect(answerOversized(oversized(frame))).toMatchObject({
      cmd: CMD.batchSend,
      error: { kind: "batchTooLarge", size: frame.length, limit: 100 },
    });
    const publish = frameOf({
      ...head,
      cmd: CMD.batchPublish,
      kind: "publish",
      batch: true,
      topic: "t",
      bodies: [big],
      tags: [],
    });
    expect(answerOversized(oversized(publish))?.error.kind).toBe("batchTooLarge");
  });

  it("answers any other command with the request-too-large error", () => {
    const handles = Array.from({ length: 40 }, (_, i) => BigInt(i) << 40n);
    const frame = frameOf({
      ...head,
      cmd: CMD.batchDelete,
      kind: "delete",
      batch: true,
      queue: "q",
      handles,
    });
    expect(answerOversized(oversized(frame))).toMatchObject({
      cmd: CMD.batchDelete,
      error: { kind: "requestTooLarge", limit: 100 },
    });
  });

  it("owes no reply to a one-way request, or to a body whose head cannot be read", () => {
    expect(answerOversized(oversized(frameOf({ ...send(false), oneway: true })))).toBeUndefined();
    // A body that starts with the queue name, not with seqno and cmd.
    const fieldFirst = writeFrame(Uint8Array.from([0x12, 0x7f, ...big]));
    expect(answerOversized(oversized(fieldFirst))).toBeUndefined();
    // A seqno varint cut off by the end of what is read.
    const cutOff = writeFrame(Uint8Array.from([0x08, ...new Uint8Array(200).fill(0xff)]));
    expect(answerOversized(oversized(cutOff))).toBeUndefined();
  });
});

describe("requests round-trip", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
  const request: fc.Arbitrary<TcpRequest> = fc.oneof(
    fc.record({
      seqno: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      cmd: fc.constant(CMD.batchSend),
      oneway: fc.constant(false),
      kind: fc.constant("send" as const),
      batch: fc.constant(true),
      queue: name,
      bodies: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 16 }),
      delaySeconds: fc.integer({ min: 0, max: 3600 }),
      transaction: fc.constant(undefined),
    }),
    fc.record({
      seqno: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      cmd: fc.constant(CMD.batchDelete),
      oneway: fc.constant(false),
      kind: fc.constant("delete" as const),
      batch: fc.constant(true),
      queue: name,
      handles: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 16 }),
    }),
  );
  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(request, (r) => {
        expect(decodeRequest(encodeRequest(r))).toEqual({ ok: true, request: r });
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
