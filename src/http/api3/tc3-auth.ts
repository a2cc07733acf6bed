/**
 * Verifies an API 3.0 request signed with TC3-HMAC-SHA256, lenient exactly where the official
 * SDKs disagree (tdmq-api3.md §3): the service and date come from the scope, the host is tried
 * with and without its port, the content-type as sent, UNSIGNED-PAYLOAD honoured. A failure says
 * what the server signed (canonical request hash, scope), never the key.
 * @module
 */

import {
  canonicalRequest,
  credentialScope,
  parseTc3Authorization,
  sha256Hex,
  signingKey,
  tc3StringToSign,
  UNSIGNED_PAYLOAD,
  utcDate,
  verifyTc3,
} from "../../contract/tc3-signature";
import { fail } from "../../domain/errors";
import { API3_LIMITS } from "../../domain/limits";
import { hostVariants, type Principal, stampKey } from "../auth";
import type { AuthConfig } from "../credentials";

export interface Tc3Request {
  method: string;
  /** The Host header as sent. */
  host: string;
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  headers: Headers;
  body: Uint8Array;
}

const FORMAT =
  "expected `TC3-HMAC-SHA256 Credential=<SecretId>/<yyyy-mm-dd>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<hex>`";

/** Spellings of the host a client may have signed: as sent, without its port, default ports. */
function signedHosts(host: string): string[] {
  const bare = host.replace(/:\d+$/, "");
  return [...new Set([host, bare, ...hostVariants(host)])];
}

/** Each signed header's possible values: Host as above, content-type as sent and lower-cased. */
function headerChoices(request: Tc3Request, name: string): string[] {
  if (name === "host") return signedHosts(request.host);
  const value = (request.headers.get(name) ?? "").trim();
  return [...new Set([value, value.toLowerCase()])];
}

/** Every combination of header values, in SignedHeaders order. */
function headerSets(request: Tc3Request, names: string[]): [string, string][][] {
  let sets: [string, string][][] = [[]];
  for (const name of names) {
    const choices = headerChoices(request, name);
    sets = sets.flatMap((set) =>
      choices.map((value): [string, string][] => [...set, [name, value]]),
    );
  }
  return sets;
}

function timestampOf(request: Tc3Request): number {
  const text = request.headers.get("x-tc-timestamp");
  if (text === null) fail({ kind: "missingParameter", name: "X-TC-Timestamp" });
  if (!/^[0-9]{1,12}$/.test(text.trim())) {
    fail({ kind: "parameterType", name: "X-TC-Timestamp", expected: "Unix seconds" });
  }
  return Number(text.trim());
}

/**
 * Authenticates a TC3 request. Fails: invalidAuthorization, missingParameter / parameterType
 * (X-TC-Timestamp), timestampOutOfWindow, unknownSecretId, signatureMismatch.
 */
export async function authenticateTc3(
  request: Tc3Request,
  config: AuthConfig,
  now: number,
): Promise<Principal> {
  const header = request.headers.get("authorization");
  if (header === null)
    fail({ kind: "invalidAuthorization", reason: `no Authorization: ${FORMAT}` });
  const auth =
    parseTc3Authorization(header) ?? fail({ kind: "invalidAuthorization", reason: FORMAT });
  if (!auth.signedHeaders.includes("content-type") || !auth.signedHeaders.includes("host")) {
    fail({
      kind: "invalidAuthorization",
      reason: "SignedHeaders must include content-type and host",
    });
  }
  const timestamp = timestampOf(request);
  const window = API3_LIMITS.signatureWindowSeconds;
  if (Math.abs(now / 1000 - timestamp) > window) {
    fail({ kind: "timestampOutOfWindow", windowSeconds: window });
  }
  const scope = credentialScope(auth.date, auth.service);
  if (auth.date !== utcDate(timestamp)) {
    fail({
      kind: "signatureMismatch",
      expected: `the scope ${scope} must carry the UTC date of X-TC-Timestamp ${timestamp} (${utcDate(timestamp)})`,
    });
  }
  const credential = config.credentials.get(auth.secretId) ?? fail({ kind: "unknownSecretId" });
  const unsigned = request.headers.get("x-tc-content-sha256")?.trim() === UNSIGNED_PAYLOAD;
  const payloadHash = await sha256Hex(unsigned ? UNSIGNED_PAYLOAD : request.body);
  const canonicals = headerSets(request, auth.signedHeaders).map((headers) =>
    canonicalRequest({
      method: request.method,
      path: request.path,
      query: request.method === "GET" ? request.query : "",
      headers,
      payloadHash,
    }),
  );
  const hashes = await Promise.all(canonicals.map((c) => sha256Hex(c)));
  const candidates = hashes.map((hash) => tc3StringToSign(timestamp, scope, hash));
  const key = await signingKey(credential.secretKey, auth.date, auth.service);
  if (!(await verifyTc3(key, candidates, auth.signature))) {
    fail({
      kind: "signatureMismatch",
      expected: `the server signed StringToSign with scope ${scope} and canonical request hash ${hashes[0]} of ${JSON.stringify(canonicals[0])}`,
    });
  }
  // X-TC-Action is not among the signed headers: requests of two actions with the same body in
  // the same second share a signature, so the replay key covers the action too.
  const action = new TextEncoder().encode(request.headers.get("x-tc-action") ?? "");
  const keyed = new Uint8Array(
    await crypto.subtle.digest("SHA-256", concat(auth.signature, action)),
  );
  return {
    credential,
    stamp: { key: stampKey(keyed), expiresAt: (timestamp + window) * 1000 },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
