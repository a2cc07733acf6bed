/**
 * Builds Tencent Cloud API 3.0 requests (TDMQ for CMQ, `tdmq` 2020-02-17) signed with
 * TC3-HMAC-SHA256, with the signing code the Worker verifies with (src/contract/tc3-signature.ts):
 * for the few actions API 2.0 has no equivalent of, such as ClearCmqQueue (a queue's purge).
 * @module
 */
import {
  canonicalRequest,
  credentialScope,
  sha256Hex,
  tc3Signature,
  tc3StringToSign,
  utcDate,
} from "../src/contract/tc3-signature";
import { unixSeconds } from "../src/contract/unix-seconds";
import type { Credentials } from "./signing";

export const API3_VERSION = "2020-02-17";
const SERVICE = "tdmq";
const CONTENT_TYPE = "application/json";

/**
 * A POST of `params` as JSON to `url`'s origin with X-TC-Action. TC3 signs no nonce, so two
 * identical requests in one second would share a signature and the server would refuse the second
 * as a replay (docs/api3.md "Replays"); a random signed header keeps each request its own.
 */
export async function api3Request(
  url: string,
  credentials: Credentials,
  action: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
  timestamp = unixSeconds(Date.now()),
): Promise<Request> {
  const target = new URL(url);
  const body = JSON.stringify(params);
  const nonce = crypto.randomUUID();
  const headers: [string, string][] = [
    ["content-type", CONTENT_TYPE],
    ["host", target.host],
    ["x-cmq-edge-nonce", nonce],
  ];
  const date = utcDate(timestamp);
  const canonical = canonicalRequest({
    method: "POST",
    path: "/",
    query: "",
    headers,
    payloadHash: await sha256Hex(body),
  });
  const scope = credentialScope(date, SERVICE);
  const toSign = tc3StringToSign(timestamp, scope, await sha256Hex(canonical));
  const signature = await tc3Signature(credentials.secretKey, date, SERVICE, toSign);
  const signed = headers.map(([name]) => name).join(";");
  return new Request(`${target.origin}/`, {
    method: "POST",
    body,
    signal,
    headers: {
      "content-type": CONTENT_TYPE,
      "x-cmq-edge-nonce": nonce,
      "x-tc-action": action,
      "x-tc-version": API3_VERSION,
      "x-tc-timestamp": String(timestamp),
      "x-tc-requestclient": "cmq-edge-client",
      authorization: `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
    },
  });
}
