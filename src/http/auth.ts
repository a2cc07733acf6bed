/**
 * Verifies a CMQ request's signature with the tolerances real SDKs need (cmq-api-http.md §2.3):
 * the Host with and without its default port, the real path, and `@`-valued parameters left out
 * (PY/PHP skip them when signing POSTs). Then checks the Timestamp window and turns the signature
 * into a RequestStamp the target object uses to refuse replays.
 * @module
 */

import { base64Decode, hashFor, stringToSign, verifyAny } from "../contract/cmq-signature";
import { fail } from "../domain/errors";
import type { RequestStamp } from "../domain/replay-guard";
import type { AuthConfig, Credential } from "./credentials";
import type { CmqRequest } from "./request-reading";

export interface Principal {
  credential: Credential;
  stamp: RequestStamp;
}

function single(params: CmqRequest["params"], name: string): string {
  const found = params.find(([key]) => key === name);
  return found ? found[1] : fail({ kind: "missingParameter", name });
}

/** Host spellings a client may have signed: as sent, and with the default port added or dropped. */
export function hostVariants(host: string): string[] {
  const match = /^(.*):(\d+)$/.exec(host);
  if (match) return match[2] === "80" || match[2] === "443" ? [host, match[1] ?? host] : [host];
  return [host, `${host}:80`, `${host}:443`];
}

/**
 * The PY and PHP SDKs leave `@`-valued parameters out of what they sign on POST (PHPX sends no
 * RequestClient); only their requests get that reading, so others cannot have such parameters
 * slipped in unsigned.
 */
function dropsAtValues(request: CmqRequest): boolean {
  const client = request.params.find(([key]) => key === "RequestClient")?.[1];
  return client === undefined || /^SDK_(Python|PHP)/i.test(client);
}

function candidateStrings(request: CmqRequest): string[] {
  const paramSets = [request.params];
  const hasAtValues = request.params.some(([, v]) => v.startsWith("@"));
  if (request.method === "POST" && hasAtValues && dropsAtValues(request)) {
    paramSets.push(request.params.filter(([, v]) => !v.startsWith("@")));
  }
  return hostVariants(request.host).flatMap((host) =>
    paramSets.map((params) =>
      stringToSign({ method: request.method, host, path: request.path, params }),
    ),
  );
}

/** The first 53 bits of the signature: a replay-detection key that fits a SQLite integer. */
export function stampKey(signature: Uint8Array): number {
  // 48 + 5 bits: every bit survives in a double, so the low bits vary too (they pick a shard).
  let key = 0;
  for (let i = 0; i < 6; i++) key = key * 256 + (signature[i] ?? 0);
  return key * 32 + ((signature[6] ?? 0) & 31);
}

/**
 * Authenticates a request. Fails: missingParameter, unknownSecretId, parameterType (Timestamp),
 * timestampOutOfWindow, signatureMismatch.
 */
export async function authenticate(
  request: CmqRequest,
  config: AuthConfig,
  now: number,
): Promise<Principal> {
  const secretId = single(request.params, "SecretId");
  const signatureText = single(request.params, "Signature");
  const timestampText = single(request.params, "Timestamp");
  single(request.params, "Nonce");
  const credential = config.credentials.get(secretId) ?? fail({ kind: "unknownSecretId" });
  if (!/^[0-9]{1,12}$/.test(timestampText)) {
    fail({ kind: "parameterType", name: "Timestamp", expected: "Unix seconds" });
  }
  const timestamp = Number(timestampText);
  if (Math.abs(now / 1000 - timestamp) > config.windowSeconds) {
    fail({ kind: "timestampOutOfWindow", windowSeconds: config.windowSeconds });
  }
  const signature = base64Decode(signatureText);
  const method = request.params.find(([key]) => key === "SignatureMethod")?.[1];
  if (
    !signature ||
    !(await verifyAny(credential.secretKey, hashFor(method), candidateStrings(request), signature))
  ) {
    fail({ kind: "signatureMismatch" });
  }
  return {
    credential,
    stamp: { key: stampKey(signature), expiresAt: (timestamp + config.windowSeconds) * 1000 },
  };
}
