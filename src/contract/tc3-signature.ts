/**
 * TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature (tdmq-api3.md §3), for verifying
 * requests and, in cmq-edge/client and the tests, signing them. Pure Web Crypto: it runs in the
 * Worker, Node and browsers alike, and lives in the contract so both sides share one copy.
 * @module
 */
import { buffer } from "./web-crypto-bytes";

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";
/** What `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` stands for in the canonical request. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** The parts of `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  /** 32 bytes. */
  signature: Uint8Array;
}

const AUTHORIZATION =
  /^TC3-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([A-Za-z0-9._-]{1,64})\/tc3_request\s*,\s*SignedHeaders=([a-z0-9;-]+)\s*,\s*Signature=([0-9a-fA-F]{64})\s*$/;

/** Parses the Authorization header; undefined when it is not a well-formed TC3 one. */
export function parseTc3Authorization(header: string): Tc3Authorization | undefined {
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) return undefined;
  const [, secretId, date, service, headers, hex] = match as unknown as string[];
  return {
    secretId: secretId as string,
    date: date as string,
    service: service as string,
    signedHeaders: (headers as string).split(";"),
    signature: hexToBytes(hex as string),
  };
}

export interface CanonicalParts {
  method: string;
  path: string;
  /** The query string as sent (GET); "" for POST. */
  query: string;
  /** [name, value] of each signed header, in SignedHeaders order. */
  headers: readonly (readonly [string, string])[];
  /** hex(sha256(body)), or of UNSIGNED_PAYLOAD. */
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  const headers = parts.headers.map(([name, value]) => `${name}:${value}\n`).join("");
  const names = parts.headers.map(([name]) => name).join(";");
  return `${parts.method}\n${parts.path}\n${parts.query}\n${headers}\n${names}\n${parts.payloadHash}`;
}

/** `<date>/<service>/tc3_request`. */
export function credentialScope(date: string, service: string): string {
  return `${date}/${service}/tc3_request`;
}

export function tc3StringToSign(timestamp: number, scope: string, canonicalHash: string): string {
  return `${TC3_ALGORITHM}\n${timestamp}\n${scope}\n${canonicalHash}`;
}

/** The UTC date (yyyy-mm-dd) of a Unix timestamp in seconds, as the scope carries it. */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

const encoder = new TextEncoder();

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", buffer(bytes))));
}

async function hmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    buffer(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(data)));
}

/** kSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request"). */
export async function signingKey(secretKey: string, date: string, service: string) {
  const kDate = await hmac(encoder.encode(`TC3${secretKey}`), date);
  const kService = await hmac(kDate, service);
  const bytes = await hmac(kService, "tc3_request");
  return crypto.subtle.importKey("raw", buffer(bytes), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** hex(HMAC(kSigning, StringToSign)): what a client puts in Signature=. */
export async function tc3Signature(
  secretKey: string,
  date: string,
  service: string,
  stringToSign: string,
): Promise<string> {
  const key = await signingKey(secretKey, date, service);
  return bytesToHex(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(stringToSign))),
  );
}

/** Constant-time check (crypto.subtle.verify) of `signature` over each candidate string. */
export async function verifyTc3(
  key: Awaited<ReturnType<typeof signingKey>>,
  candidates: readonly string[],
  signature: Uint8Array,
): Promise<boolean> {
  for (const text of candidates) {
    if (await crypto.subtle.verify("HMAC", key, buffer(signature), encoder.encode(text))) {
      return true;
    }
  }
  return false;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
