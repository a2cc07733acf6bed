/**
 * Builds CMQ API 2.0 requests signed the way the official SDKs sign them (cmq-api-http.md §2.3),
 * with the same signing code the Worker verifies with. WebCrypto only: runs in Node, Workers and
 * browsers alike.
 * @module
 */
import { type HashName, sign, stringToSign } from "../src/contract/cmq-signature";
import { unixSeconds } from "../src/contract/unix-seconds";

export interface Credentials {
  secretId: string;
  secretKey: string;
}

export interface SignOptions {
  method?: "GET" | "POST";
  hash?: HashName;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  nonce?: number;
  /** The host string the client signs (defaults to the URL's host). */
  signedHost?: string;
  /** The SDK id sent as RequestClient. */
  requestClient?: string;
  /** Common parameters to leave out (e.g. "Signature"). */
  omit?: string[];
  /** Further raw pairs, sent and signed after the others (e.g. a repeated key). */
  pairs?: [string, string][];
}

let nonceCounter = Math.floor(Math.random() * 1e9);

/** Signs `params` for `Action` and returns a Request for `url`, which `signal` can abort. */
export async function signedRequest(
  url: string,
  credentials: Credentials,
  action: string,
  params: Record<string, string | number>,
  options: SignOptions = {},
  signal?: AbortSignal,
): Promise<Request> {
  const method = options.method ?? "POST";
  const hash = options.hash ?? "SHA-256";
  const target = new URL(url);
  const common: Record<string, string> = {
    Action: action,
    SecretId: credentials.secretId,
    Timestamp: String(options.timestamp ?? unixSeconds(Date.now())),
    Nonce: String(options.nonce ?? ++nonceCounter),
    SignatureMethod: hash === "SHA-256" ? "HmacSHA256" : "HmacSHA1",
    RequestClient: options.requestClient ?? "cmq-edge-client",
  };
  for (const name of options.omit ?? []) delete common[name];
  const all: [string, string][] = [
    ...Object.entries(common),
    ...Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    ...(options.pairs ?? []),
  ];
  const text = stringToSign({
    method,
    host: options.signedHost ?? target.host,
    path: target.pathname,
    params: all,
  });
  if (!options.omit?.includes("Signature")) {
    all.push(["Signature", await sign(credentials.secretKey, hash, text)]);
  }
  const form = new URLSearchParams(all).toString();
  if (method === "GET") {
    return new Request(`${target.origin}${target.pathname}?${form}`, { method, signal });
  }
  return new Request(target.toString(), {
    method,
    body: form,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    signal,
  });
}
