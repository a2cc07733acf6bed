/**
 * CMQ's API 2.0 request signature (cmq-api-http.md §2.3):
 *   Signature = Base64(HMAC(SecretKey, METHOD + HOST + PATH + "?" + sorted k=v pairs joined by &))
 * with every parameter but Signature, keys sorted in byte order and `_` in keys written as `.`.
 * Values are the decoded values, unescaped. Used to verify requests and, in tests and clients, to
 * sign them.
 * @module
 */
import { buffer } from "./web-crypto-bytes";

export type HashName = "SHA-1" | "SHA-256";

/** SHA-256 when SignatureMethod names it in any spelling (`HmacSHA256`, `sha256`), else SHA-1. */
export function hashFor(signatureMethod: string | undefined): HashName {
  return signatureMethod && /sha-?256/i.test(signatureMethod) ? "SHA-256" : "SHA-1";
}

export interface SignedParts {
  method: string;
  host: string;
  path: string;
  params: readonly (readonly [string, string])[];
}

export function stringToSign(parts: SignedParts): string {
  const pairs = parts.params
    .filter(([key]) => key !== "Signature")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key.replaceAll("_", ".")}=${value}`);
  return `${parts.method.toUpperCase()}${parts.host}${parts.path}?${pairs.join("&")}`;
}

const encoder = new TextEncoder();
/** Spelt this way so the module typechecks under both Workers and Node type definitions. */
type HmacKey = ReturnType<typeof crypto.subtle.importKey>;
const keyCache = new Map<string, HmacKey>();

function hmacKey(secret: string, hash: HashName): HmacKey {
  const cacheKey = `${hash}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, [
      "sign",
      "verify",
    ]);
    keyCache.set(cacheKey, key);
  }
  return key;
}

export function base64Encode(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

export function base64Decode(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export async function sign(secret: string, hash: HashName, text: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, hash), encoder.encode(text));
  return base64Encode(new Uint8Array(mac));
}

/** Constant-time check (crypto.subtle.verify) of `signature` over each candidate string. */
export async function verifyAny(
  secret: string,
  hash: HashName,
  candidates: readonly string[],
  signature: Uint8Array,
): Promise<boolean> {
  const key = await hmacKey(secret, hash);
  for (const text of candidates) {
    if (await crypto.subtle.verify("HMAC", key, buffer(signature), encoder.encode(text))) {
      return true;
    }
  }
  return false;
}
