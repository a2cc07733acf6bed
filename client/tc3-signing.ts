/**
 * Builds Tencent Cloud API 3.0 requests (TDMQ for CMQ: service tdmq, version 2020-02-17) signed
 * with TC3-HMAC-SHA256 as the official SDKs sign them, for what API 2.0 lacks (ClearCmqQueue, the
 * purge). The algorithm is the one the Worker verifies with (src/contract/tc3-signature.ts).
 * WebCrypto only: runs in Node, Workers and browsers alike.
 * @module
 */
import {
  canonicalRequest,
  credentialScope,
  sha256Hex,
  TC3_ALGORITHM,
  tc3Signature,
  tc3StringToSign,
  utcDate,
} from "../src/contract/tc3-signature";
import { unixSeconds } from "../src/contract/unix-seconds";
import type { Credentials } from "./signing";

export const API3_VERSION = "2020-02-17";
/** The service TDMQ's SDKs sign for; the Worker takes whatever the scope names. */
const SERVICE = "tdmq";
const CONTENT_TYPE = "application/json";

export interface Tc3Options {
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  version?: string;
}

/** A POST of `params` as JSON to `url`, signed over content-type and host (as a browser sends it). */
export async function tc3Request(
  url: string,
  credentials: Credentials,
  action: string,
  params: Record<string, unknown>,
  options: Tc3Options = {},
  signal?: AbortSignal,
): Promise<Request> {
  const target = new URL(url);
  const timestamp = options.timestamp ?? unixSeconds(Date.now());
  const body = JSON.stringify(params);
  const date = utcDate(timestamp);
  const canonical = canonicalRequest({
    method: "POST",
    path: target.pathname,
    query: "",
    // The Host header as fetch sends it, port included: a browser cannot send any other.
    headers: [
      ["content-type", CONTENT_TYPE],
      ["host", target.host],
    ],
    payloadHash: await sha256Hex(body),
  });
  const scope = credentialScope(date, SERVICE);
  const toSign = tc3StringToSign(timestamp, scope, await sha256Hex(canonical));
  const signature = await tc3Signature(credentials.secretKey, date, SERVICE, toSign);
  return new Request(target.toString(), {
    method: "POST",
    body,
    headers: {
      "content-type": CONTENT_TYPE,
      "x-tc-action": action,
      "x-tc-version": options.version ?? API3_VERSION,
      "x-tc-timestamp": String(timestamp),
      "x-tc-requestclient": "cmq-edge-client",
      authorization: `${TC3_ALGORITHM} Credential=${credentials.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    },
    signal,
  });
}
