/**
 * Properties of the TCP codec over generated streams: valid frames, however the stream is cut,
 * decode and re-encode to their own bytes; invalid ones give a typed error and leave the reader
 * and the request decoder in a state the connection can act on (cmq-api-tcp.md "Framing").
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CMD } from "../../../tcp-bridge/src/codec/commands";
import {
  type FrameError,
  FrameReader,
  OVERSIZED_HEAD_BYTES,
  writeFrame,
} from "../../../tcp-bridge/src/codec/frame";
import { decodeReply, encodeReply } from "../../../tcp-bridge/src/codec/replies";
import {
  type DecodedRequest,
  decodeRequest,
  encodeRequest,
  type TcpRequest,
} from "../../../tcp-bridge/src/codec/requests";
import { errorReply } from "../../../tcp-bridge/src/handlers";
import { int64, tcpReply, tcpRequest } from "./frame-arbitraries";

/** Cases per property: CMQ_FUZZ_FRAME_RUNS=100000 for the long mode. */
const RUNS = Number(process.env.CMQ_FUZZ_FRAME_RUNS ?? 1000);
const MAX_FRAME = 1 << 16;

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const frameOf = (r: TcpRequest) => writeFrame(encodeRequest(r));
const HEARTBEAT = frameOf({ seqno: 1n, cmd: CMD.heartbeat, oneway: false, kind: "heartbeat" });

/** The body field each command's request needs (tcp-bridge/proto/cmq.proto). */
const BODY_FIELD: Record<number, string> = {
  [CMD.auth]: "tcp_auth",
  [CMD.send]: "tcp_send_msg",
  [CMD.batchSend]: "tcp_batch_send_msg",
  [CMD.pull]: "tcp_pull_msg",
  [CMD.batchPull]: "tcp_batch_pull_msg",
  [CMD.delete]: "tcp_delete_msg",
  [CMD.batchDelete]: "tcp_batch_delete_msg",
  [CMD.publish]: "tcp_publish_msg",
  [CMD.batchPublish]: "tcp_batch_publish_msg",
  [CMD.transactionConfirm]: "transaction_confirm",
};
const BODIED = Object.keys(BODY_FIELD).map(Number);
/** What clients send; anything else, the server's own 1042 included, is an unknown command. */
const CLIENT_COMMANDS = new Set<number>([...BODIED, CMD.heartbeat]);

/** Cut points for a stream of `length` bytes: chunks of any size, single bytes included. */
const cuts = (length: number) =>
  fc
    .array(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 24 })
    .map((points) => [...new Set(points)].filter((p) => p < length).sort((a, b) => a - b));

function chunks(stream: Uint8Array, points: number[]): Uint8Array[] {
  const ends = [...points, stream.length];
  return ends.map((end, i) => stream.slice(i === 0 ? 0 : (ends[i - 1] as number), end));
}

/**
 * Feeds the chunks to a reader, checking after each push that it holds exactly the bytes of the
 * frame not yet complete, and, once broken, that it stays broken and holds nothing.
 */
function feed(reader: FrameReader, parts: Uint8Array[]) {
  const frames: Uint8Array[] = [];
  let pushed = 0;
  let consumed = 0;
  let error: FrameError | undefined;
  for (const part of parts) {
    const batch = reader.push(part);
    if (error) {
      expect(batch).toEqual({ frames: [], error });
      expect(reader.pending).toBe(0);
      continue;
    }
    pushed += part.length;
    frames.push(...batch.frames);
    consumed += batch.frames.reduce((n, f) => n + f.length + 6, 0);
    error = batch.error;
    expect(reader.pending).toBe(error ? 0 : pushed - consumed);
  }
  return { frames, error };
}

describe("valid frames", () => {
  it("every request frame in a stream cut anywhere decodes, and re-encodes to its own bytes", () => {
    fc.assert(
      fc.property(
        fc.array(tcpRequest, { minLength: 1, maxLength: 8 }).chain((requests) => {
          const frames = requests.map(frameOf);
          const stream = concat(frames);
          return fc.tuple(fc.constant(requests), fc.constant(frames), cuts(stream.length));
        }),
        ([requests, frames, points]) => {
          const { frames: bodies, error } = feed(
            new FrameReader(MAX_FRAME),
            chunks(concat(frames), points),
          );
          expect(error).toBeUndefined();
          expect(bodies).toHaveLength(requests.length);
          bodies.forEach((body, i) => {
            const decoded = decodeRequest(body);
            expect(decoded).toEqual({ ok: true, request: requests[i] });
            if (!decoded.ok) return;
            expect(toHex(writeFrame(encodeRequest(decoded.request)))).toBe(
              toHex(frames[i] as Uint8Array),
            );
          });
        },
      ),
      { numRuns: RUNS, seed: 21 },
    );
  });

  it("every reply frame decodes as a client reads it, and re-encodes to its own bytes", () => {
    fc.assert(
      fc.property(tcpReply, (reply) => {
        const frame = writeFrame(encodeReply(reply));
        const { frames, error } = feed(new FrameReader(MAX_FRAME), [frame]);
        expect(error).toBeUndefined();
        const decoded = decodeReply(frames[0] as Uint8Array);
        expect(decoded).toEqual(reply);
        expect(toHex(writeFrame(encodeReply(decoded)))).toBe(toHex(frame));
      }),
      { numRuns: RUNS, seed: 22 },
    );
  });
});

/** A header the reader must refuse, and the error it must report for it. */
const badHeader: fc.Arbitrary<{ header: Uint8Array; error: FrameError }> = fc.oneof(
  fc
    .tuple(
      fc.tuple(fc.nat(255), fc.nat(255)).filter(([a, b]) => a !== 0 || b !== 0),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
    )
    .map(([[a, b], length]) => ({
      header: Uint8Array.of(a, b, ...length),
      error: { kind: "badMarker" as const },
    })),
  fc.integer({ min: 0, max: 5 }).map((length) => ({
    header: headerOf(length),
    error: { kind: "lengthTooSmall" as const, length },
  })),
  // An oversized frame is refused once the start of its body is in (the reply needs its seqno).
  fc
    .tuple(
      fc.integer({ min: MAX_FRAME + 1, max: 2 ** 32 - 1 }),
      fc.uint8Array({ minLength: OVERSIZED_HEAD_BYTES, maxLength: OVERSIZED_HEAD_BYTES }),
    )
    .map(([length, bodyStart]) => ({
      header: concat([headerOf(length), bodyStart]),
      error: { kind: "lengthTooLarge" as const, length, max: MAX_FRAME, bodyStart },
    })),
);

function headerOf(length: number): Uint8Array {
  const header = new Uint8Array(6);
  new DataView(header.buffer).setUint32(2, length, true);
  return header;
}

/** cmq-api-tcp.md "Framing" read over a whole stream at once: the oracle for the incremental reader. */
function framing(stream: Uint8Array, max: number) {
  const frames: Uint8Array[] = [];
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let at = 0;
  while (stream.length - at >= 6) {
    const length = view.getUint32(at + 2, true);
    let error: FrameError | undefined;
    if (stream[at] !== 0 || stream[at + 1] !== 0) error = { kind: "badMarker" };
    else if (length < 6) error = { kind: "lengthTooSmall", length };
    else if (length > max) {
      const headEnd = Math.min(6 + OVERSIZED_HEAD_BYTES, length);
      if (stream.length - at < headEnd) break;
      error = {
        kind: "lengthTooLarge",
        length,
        max,
        bodyStart: stream.slice(at + 6, at + headEnd),
      };
    }
    if (error) return { frames, error, pending: 0 };
    if (stream.length - at < length) break;
    frames.push(stream.slice(at + 6, at + length));
    at += length;
  }
  return { frames, error: undefined, pending: stream.length - at };
}

describe("invalid frames", () => {
  it("a bad header after valid frames: those frames, one typed error, then nothing ever again", () => {
    fc.assert(
      fc.property(
        fc
          .tuple(
            fc.array(tcpRequest, { maxLength: 4 }),
            badHeader,
            fc.array(tcpRequest, { maxLength: 2 }),
          )
          .chain(([before, bad, after]) => {
            const valid = before.map(frameOf);
            const stream = concat([...valid, bad.header, ...after.map(frameOf)]);
            return fc.tuple(fc.constant({ valid, bad, stream }), cuts(stream.length));
          }),
        ([{ valid, bad, stream }, points]) => {
          const reader = new FrameReader(MAX_FRAME);
          const { frames, error } = feed(reader, chunks(stream, points));
          expect(frames.map(toHex)).toEqual(valid.map((f) => toHex(f.subarray(6))));
          expect(error).toEqual(bad.error);
          expect(reader.push(HEARTBEAT)).toEqual({ frames: [], error: bad.error });
          expect(reader.pending).toBe(0);
        },
      ),
      { numRuns: RUNS, seed: 23 },
    );
  });

  it("random and mutated streams, cut anywhere, read as a whole-stream model of the framing says", () => {
    const max = 64;
    const mutated = fc
      .tuple(
        fc.array(tcpRequest, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      )
      .map(([requests, edits]) => {
        const stream = concat(requests.map(frameOf));
        for (const [at, byte] of edits) stream[at % stream.length] = byte;
        return stream;
      });
    fc.assert(
      fc.property(
        fc
          .oneof(fc.uint8Array({ maxLength: 300 }), mutated)
          .chain((stream) => fc.tuple(fc.constant(stream), cuts(stream.length))),
        ([stream, points]) => {
          const reader = new FrameReader(max);
          const { frames, error } = feed(reader, chunks(stream, points));
          const model = framing(stream, max);
          expect(frames.map(toHex)).toEqual(model.frames.map(toHex));
          expect(error).toEqual(model.error);
          expect(reader.pending).toBe(model.pending);
          for (const frame of frames) expectActionable(decodeRequest(frame));
        },
      ),
      { numRuns: RUNS, seed: 30 },
    );
  });

  it("a request error costs only its own frame: the frames around it are still read", () => {
    fc.assert(
      fc.property(tcpRequest, fc.uint8Array({ maxLength: 64 }), tcpRequest, (a, junk, b) => {
        const stream = concat([frameOf(a), writeFrame(junk), frameOf(b)]);
        const { frames, error } = feed(new FrameReader(MAX_FRAME), [stream]);
        expect(error).toBeUndefined();
        expect(frames.map(toHex)).toEqual([encodeRequest(a), junk, encodeRequest(b)].map(toHex));
        expect(decodeRequest(frames[0] as Uint8Array)).toEqual({ ok: true, request: a });
        expect(decodeRequest(frames[2] as Uint8Array)).toEqual({ ok: true, request: b });
      }),
      { numRuns: RUNS, seed: 24 },
    );
  });
});

/**
 * What the connection needs from any decoded body: a request that re-encodes to one decoding the
 * same; a request error it can answer on the frame's seqno and cmd with a 4000 reply; or a fatal
 * error with a reason, on which it closes.
 */
function expectActionable(decoded: DecodedRequest) {
  if (decoded.ok) {
    expect(decodeRequest(encodeRequest(decoded.request))).toEqual(decoded);
    return;
  }
  if (decoded.fatal) {
    expect(decoded.reason).toMatch(/^(not a CMQProto: .+|CMQProto without seqno or cmd)$/);
    return;
  }
  const { seqno, cmd, error } = decoded;
  expect(error).toEqual(
    cmd in BODY_FIELD
      ? { kind: "missingParameter", name: BODY_FIELD[cmd] }
      : { kind: "unknownAction", action: `cmd ${cmd}` },
  );
  const reply = decodeReply(encodeReply({ seqno, cmd, ...errorReply(error) }));
  expect(reply).toMatchObject({ seqno, cmd, kind: "error", result: 4000 });
}

/** A body with its n-th field (0 seqno, 1 cmd: the encoder writes them first) left out. */
function withoutHeadField(body: Uint8Array, n: 0 | 1): Uint8Array {
  const fieldEnd = (from: number) => {
    let i = from + 1;
    while ((body[i] as number) & 0x80) i++;
    return i + 1;
  };
  const firstEnd = fieldEnd(0);
  const [start, end] = n === 0 ? [0, firstEnd] : [firstEnd, fieldEnd(firstEnd)];
  return concat([body.subarray(0, start), body.subarray(end)]);
}

describe("invalid request bodies", () => {
  it("an unknown command is a request error on the frame's own seqno and cmd", () => {
    const unknown = fc
      .integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
      .filter((c) => !CLIENT_COMMANDS.has(c));
    fc.assert(
      fc.property(tcpRequest, unknown, (r, cmd) => {
        const decoded = decodeRequest(encodeRequest({ ...r, cmd }));
        expect(decoded).toEqual({
          ok: false,
          fatal: false,
          seqno: r.seqno,
          cmd,
          error: { kind: "unknownAction", action: `cmd ${cmd}` },
        });
        expectActionable(decoded);
      }),
      { numRuns: RUNS, seed: 25 },
    );
  });

  it("a known command carrying another command's body lacks its own body field", () => {
    fc.assert(
      fc.property(tcpRequest, fc.constantFrom(...BODIED), int64, (r, cmd, seqno) => {
        fc.pre(cmd !== r.cmd);
        const decoded = decodeRequest(encodeRequest({ ...r, seqno, cmd }));
        expect(decoded).toEqual({
          ok: false,
          fatal: false,
          seqno,
          cmd,
          error: { kind: "missingParameter", name: BODY_FIELD[cmd] },
        });
      }),
      { numRuns: RUNS, seed: 26 },
    );
  });

  it("a CMQProto without its seqno or its cmd is fatal", () => {
    fc.assert(
      fc.property(tcpRequest, fc.constantFrom(0 as const, 1 as const), (r, n) => {
        expect(decodeRequest(withoutHeadField(encodeRequest(r), n))).toEqual({
          ok: false,
          fatal: true,
          reason: "CMQProto without seqno or cmd",
        });
      }),
      { numRuns: RUNS, seed: 27 },
    );
  });

  it("random bodies decode to a request, an answerable request error or a fatal error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectActionable(decodeRequest(bytes));
      }),
      { numRuns: RUNS, seed: 28 },
    );
  });

  it("mutated valid bodies decode to a request, an answerable request error or a fatal error", () => {
    fc.assert(
      fc.property(
        tcpRequest,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        (r, edits) => {
          const bytes = encodeRequest(r);
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          expectActionable(decodeRequest(bytes));
        },
      ),
      { numRuns: RUNS, seed: 29 },
    );
  });
});
