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

export type FrameError =
  | { kind: "badMarker" }
  | { kind: "lengthTooSmall"; length: number }
  | { kind: "lengthTooLarge"; length: number; max: number };

export interface FrameBatch {
  /** The protobuf bodies of the frames completed by this chunk, in order. */
  frames: Uint8Array[];
  /** Set once the stream is broken; nothing more is read after it. */
  error?: FrameError;
}

/**
 * Splits a byte stream into frames, whatever the chunking: a frame may arrive a byte at a time,
 * or many frames in one chunk. The header is checked before any of a body is buffered.
 */
export class FrameReader {
  private buffer = new Uint8Array(0);
  private error: FrameError | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for a frame not yet complete. */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): FrameBatch {
    if (this.error) return { frames: [], error: this.error };
    const data = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const error = this.checkHeader(data, offset);
      if (error) {
        this.error = error;
        this.buffer = new Uint8Array(0);
        return { frames, error };
      }
      const length = readLength(data, offset);
      if (data.length - offset < length) break;
      frames.push(data.slice(offset + HEADER_BYTES, offset + length));
      offset += length;
    }
    this.buffer = data.slice(offset);
    return { frames };
  }

  private checkHeader(data: Uint8Array, offset: number): FrameError | undefined {
    if (data[offset] !== 0 || data[offset + 1] !== 0) return { kind: "badMarker" };
    const length = readLength(data, offset);
    if (length < HEADER_BYTES) return { kind: "lengthTooSmall", length };
    if (length > this.maxFrameBytes)
      return { kind: "lengthTooLarge", length, max: this.maxFrameBytes };
    return undefined;
  }
}

function readLength(data: Uint8Array, offset: number): number {
  return (
    ((data[offset + 2] ?? 0) |
      ((data[offset + 3] ?? 0) << 8) |
      ((data[offset + 4] ?? 0) << 16) |
      ((data[offset + 5] ?? 0) << 24)) >>>
    0
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
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
