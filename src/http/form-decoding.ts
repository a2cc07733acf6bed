/**
 * Strict decoding of `application/x-www-form-urlencoded` text, kept as ordered [key, value] pairs
 * (the signature needs the exact keys and values received, cmq-api-http.md §2.3). Unlike
 * URLSearchParams it refuses bad percent-escapes and non-UTF-8 bytes instead of replacing them.
 * @module
 */
import { fail } from "../domain/errors";

const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function utf8Text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return fail({ kind: "malformedRequest", reason: `${what}: not UTF-8 text` });
  }
}

function decodeComponent(bytes: Uint8Array, what: string): string {
  // Most keys and many values carry no escapes: no byte-by-byte copy for them.
  if (!bytes.includes(PERCENT) && !bytes.includes(PLUS)) return utf8Text(bytes, what);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === PLUS) out[n++] = SPACE;
    else if (b === PERCENT) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi < 0 || lo < 0)
        fail({ kind: "malformedRequest", reason: `${what}: bad percent-escape` });
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = b;
  }
  return utf8Text(out.subarray(0, n), what);
}

/** Decodes `a=1&b=2` bytes into pairs; empty segments (`a=1&&b=2`) are skipped. */
export function decodeForm(bytes: Uint8Array, what: string): [string, string][] {
  const pairs: [string, string][] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMPERSAND, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      const segment = bytes.subarray(start, end);
      const eq = segment.indexOf(EQUALS);
      const key = eq === -1 ? segment : segment.subarray(0, eq);
      const value = eq === -1 ? new Uint8Array(0) : segment.subarray(eq + 1);
      pairs.push([decodeComponent(key, what), decodeComponent(value, what)]);
    }
    start = end + 1;
  }
  return pairs;
}
