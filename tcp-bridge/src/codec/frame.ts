/**
 * CMQ TCP framing (cmq-api-tcp.md "Framing"), both directions:
 *
 *    0      2                   6                          length
 *    +------+-------------------+--------------------------+
 *    | 0  0 | length (uint32 LE)| CMQProto (protobuf body) |
 *    +------+-------------------+--------------------------+
 *
 * `length` counts the 6 header bytes too. A bad marker, a length below 6 or above the configured
 * maximum is a protocol error that closes the connection. Pure: bytes in, whole frame bodies out.
 * @module
 */

export const HEADER_BYTES = 6;

/**
 * How much of an oversized frame's body is read: enough for the varint fields encoders write
 * first (seqno, cmd, is_oneway: 11 + 11 + 2 bytes at most), which a "too large" reply needs.
 */
export const OVERSIZED_HEAD_BYTES = 24;

export type FrameError =
  | { kind: "badMarker" }
  | { kind: "lengthTooSmall"; length: number }
  /** `bodyStart`: the first OVERSIZED_HEAD_BYTES of the body (fewer if the frame is shorter). */
  | { kind: "lengthTooLarge"; length: number; max: number; bodyStart: Uint8Array };

export interface FrameBatch {
  /** The protobuf bodies of the frames completed by this chunk, in order. */
  frames: Uint8Array[];
  /** Set once the stream is broken; nothing more is read after it. */
  error?: FrameError;
}

/**
 * Splits a byte stream into frames, whatever the chunking: a frame may arrive a byte at a time, or
 * many frames in one chunk. The header is checked before any of a body is kept (of an oversized
 * frame, only its first bytes are, for the reply), and a frame's bytes are joined once, when it is
 * complete (a frame trickling in costs linear time, not quadratic).
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private error: FrameError | undefined;

  constructor(private maxFrameBytes: number) {}

  /** Bytes held for a frame not yet complete. */
  get pending(): number {
    return this.buffered;
  }

  /** Changes the largest frame accepted from now on (the bridge allows more after auth). */
  setMaxFrameBytes(max: number): void {
    this.maxFrameBytes = max;
  }

  push(chunk: Uint8Array): FrameBatch {
    if (this.error) return { frames: [], error: this.error };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    while (this.buffered >= HEADER_BYTES) {
      const header = this.peek(HEADER_BYTES);
      const error = this.checkHeader(header);
      if (error?.kind === "lengthTooLarge") {
        // Wait for the start of the body (never more of it), so the error can be answered.
        const headEnd = Math.min(HEADER_BYTES + OVERSIZED_HEAD_BYTES, error.length);
        if (this.buffered < headEnd) break;
        error.bodyStart = this.peek(headEnd).slice(HEADER_BYTES, headEnd);
      }
      if (error) {
        this.error = error;
        this.chunks = [];
        this.buffered = 0;
        return { frames, error };
      }
      const length = readLength(header);
      if (this.buffered < length) break;
      frames.push(this.take(length).subarray(HEADER_BYTES));
    }
    return { frames };
  }

  private checkHeader(header: Uint8Array): FrameError | undefined {
    if (header[0] !== 0 || header[1] !== 0) return { kind: "badMarker" };
    const length = readLength(header);
    if (length < HEADER_BYTES) return { kind: "lengthTooSmall", length };
    if (length > this.maxFrameBytes) {
      return {
        kind: "lengthTooLarge",
        length,
        max: this.maxFrameBytes,
        bodyStart: new Uint8Array(),
      };
    }
    return undefined;
  }

  /** The first `n` buffered bytes, without consuming them. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array;
    if (first.length >= n) return first;
    const head = new Uint8Array(n);
    let filled = 0;
    for (const c of this.chunks) {
      const part = c.subarray(0, n - filled);
      head.set(part, filled);
      filled += part.length;
      if (filled === n) break;
    }
    return head;
  }

  /** Removes and returns the first `n` buffered bytes. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array;
    if (first.length >= n) {
      const out = first.slice(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0] as Uint8Array;
      const part = c.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (part.length === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part.length);
    }
    this.buffered -= n;
    return out;
  }
}

function readLength(header: Uint8Array): number {
  return (
    ((header[2] ?? 0) |
      ((header[3] ?? 0) << 8) |
      ((header[4] ?? 0) << 16) |
      ((header[5] ?? 0) << 24)) >>>
    0
  );
}

/** Wraps a protobuf body in a frame. */
export function writeFrame(body: Uint8Array): Uint8Array {
  const length = body.length + HEADER_BYTES;
  const frame = new Uint8Array(length);
  frame[2] = length & 0xff;
  frame[3] = (length >>> 8) & 0xff;
  frame[4] = (length >>> 16) & 0xff;
  frame[5] = (length >>> 24) & 0xff;
  frame.set(body, HEADER_BYTES);
  return frame;
}
