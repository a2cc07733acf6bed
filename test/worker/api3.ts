/** Speaks Tencent Cloud API 3.0 to the Worker under test, signed as the official Node SDK signs. */
import { exports } from "cloudflare:workers";
import type { Credentials } from "cmq-edge/client/http";
import {
  canonicalRequest,
  credentialScope,
  sha256Hex,
  tc3Signature,
  tc3StringToSign,
  utcDate,
} from "../../src/contract/tc3-signature";
import { TENANT_A } from "./cmq";

export const API3_URL = "http://127.0.0.1:8787/";

export interface Api3Reply {
  Response: Record<string, unknown> & {
    RequestId: string;
    Error?: { Code: string; Message: string };
  };
}

export interface Api3Options {
  credentials?: Credentials;
  /** Unix seconds; default now. */
  timestamp?: number;
  version?: string;
  method?: "GET" | "POST";
  /** The raw body instead of JSON of the params. */
  body?: string;
}

/** The Node SDK's flattening for GET: `Tags.0.TagKey=k`, nulls left out. */
function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object") return [[prefix, String(value)]];
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

/** A TC3-signed request: service = the endpoint's first label, host signed without its port. */
export async function api3Request(
  action: string,
  params: Record<string, unknown> = {},
  options: Api3Options = {},
): Promise<Request> {
  const url = new URL(API3_URL);
  const method = options.method ?? "POST";
  const credentials = options.credentials ?? TENANT_A;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const query = method === "GET" ? new URLSearchParams(flatten(params)).toString() : "";
  const body = method === "POST" ? (options.body ?? JSON.stringify(params)) : "";
  const contentType = method === "GET" ? "application/x-www-form-urlencoded" : "application/json";
  const service = url.hostname.split(".")[0] as string;
  const date = utcDate(timestamp);
  const canonical = canonicalRequest({
    method,
    path: "/",
    query,
    headers: [
      ["content-type", contentType],
      ["host", url.hostname],
    ],
    payloadHash: await sha256Hex(body),
  });
  const scope = credentialScope(date, service);
  const toSign = tc3StringToSign(timestamp, scope, await sha256Hex(canonical));
  const signature = await tc3Signature(credentials.secretKey, date, service, toSign);
  return new Request(`${url.origin}/${query ? `?${query}` : ""}`, {
    method,
    headers: {
      "content-type": contentType,
      "x-tc-action": action,
      "x-tc-version": options.version ?? "2020-02-17",
      "x-tc-timestamp": String(timestamp),
      "x-tc-requestclient": "SDK_NODEJS_test",
      authorization: `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    },
    body: method === "POST" ? body : undefined,
  });
}

export async function sendApi3(request: Request) {
  const response = await exports.default.fetch(request);
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: JSON.parse(text) as Api3Reply,
  };
}

/** Calls an action; the reply's Response (status and content type checked here). */
export async function api3(
  action: string,
  params: Record<string, unknown> = {},
  options: Api3Options = {},
) {
  const { status, contentType, body } = await sendApi3(await api3Request(action, params, options));
  if (status !== 200 || contentType !== "application/json") {
    throw new Error(`HTTP ${status} ${contentType} for ${action}`);
  }
  return body.Response;
}

/** Calls an action that must succeed. */
export async function api3Ok(action: string, params: Record<string, unknown> = {}) {
  const response = await api3(action, params);
  if (response.Error)
    throw new Error(`${action}: ${response.Error.Code} ${response.Error.Message}`);
  return response;
}
