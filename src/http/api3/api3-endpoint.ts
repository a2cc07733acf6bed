/**
 * Tencent Cloud API 3.0 (service tdmq, version 2020-02-17) on the same Worker as API 2.0: TC3
 * requests (`X-TC-Action`, a JSON body or GET query parameters) and the legacy signed form with
 * `Version=2020-02-17`. Authenticate, find the action, validate, run on the same objects API 2.0
 * uses, reply in API 3.0's envelope. Every error, whatever it is, becomes that envelope here.
 * @module
 */

import { parseParams } from "../../contract/cmq-zod";
import { CmqError, fail, toApi3 } from "../../domain/errors";
import { API3_LIMITS } from "../../domain/limits";
import { clock } from "../../objects/clock";
import { authenticate, type Principal } from "../auth";
import { authConfig } from "../credentials";
import { decodeForm } from "../form-decoding";
import { noteRequest, textOf } from "../request-log";
import { type CmqRequest, readBody } from "../request-reading";
import { FailedReply } from "../respond";
import { findApi3Action } from "./api3-actions";
import { unflatten } from "./api3-params";
import { api3Error, api3Success } from "./api3-respond";
import { authenticateTc3 } from "./tc3-auth";

export const API3_VERSION = "2020-02-17";

/** Parameters of the legacy form that are the signature's, not the action's. */
const FORM_COMMON = new Set([
  "Action",
  "Version",
  "Region",
  "Timestamp",
  "Nonce",
  "SecretId",
  "Signature",
  "SignatureMethod",
  "Token",
  "Language",
  "RequestClient",
]);

interface Api3Call {
  action: string;
  version: string | undefined;
  principal: Principal;
  input: unknown;
  client: string;
  host: string;
  /** The scheme the request came in on, for the "endpoint is cmq-edge itself" check. */
  scheme: string;
}

/** Whether API 2.0's endpoint should hand this form request over (legacy API 3.0 signing). */
export function isApi3Form(params: readonly (readonly [string, string])[]): boolean {
  return params.some(([key, value]) => key === "Version" && value === API3_VERSION);
}

async function run(call: Api3Call, env: Env, request: Request): Promise<Response> {
  const input = call.input as Record<string, unknown>;
  noteRequest(request, {
    api: "api3",
    action: call.action,
    queue: textOf(input.QueueName),
    topic: textOf(input.TopicName),
  });
  if (call.version !== API3_VERSION) {
    fail({ kind: "unknownVersion", version: call.version ?? "" });
  }
  const { action, replay } =
    findApi3Action(call.action) ?? fail({ kind: "unknownAction", action: call.action });
  const params = parseParams(action.schema, call.input);
  const ctx = {
    env,
    appId: call.principal.credential.appId,
    // Only actions whose honest repeat loses nothing are refused on a repeat (replay-policy.ts).
    stamp: replay === "refuse" ? call.principal.stamp : undefined,
    client: call.client,
    host: call.host,
    scheme: call.scheme,
  };
  const reply = await action.run(ctx, params);
  if (reply instanceof FailedReply) fail(reply.error);
  return api3Success(reply, null);
}

async function answer(
  request: Request,
  traceId: string | null,
  work: () => Promise<Response>,
): Promise<Response> {
  try {
    const response = await work();
    if (traceId) response.headers.set("x-tc-traceid", traceId);
    noteRequest(request, { code: 0 });
    return response;
  } catch (error) {
    const data = error instanceof CmqError ? error.data : ({ kind: "internal" } as const);
    if (!(error instanceof CmqError)) console.error("unhandled API 3.0 error", error);
    noteRequest(request, { code: toApi3(data).Code });
    return api3Error(data, traceId);
  }
}

function jsonInput(body: Uint8Array): unknown {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    fail({ kind: "malformedRequest", reason: "request body: not JSON text" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail({ kind: "malformedRequest", reason: "request body: not a JSON object" });
  }
  return parsed;
}

/** A TC3-signed request: POST with a JSON (or form) body, or GET with query parameters. */
export function handleApi3Request(request: Request, env: Env): Promise<Response> {
  const headers = request.headers;
  return answer(request, headers.get("x-tc-traceid"), async () => {
    const method = request.method.toUpperCase();
    if (method !== "GET" && method !== "POST") fail({ kind: "unsupportedMethod", method });
    const url = new URL(request.url);
    const query = url.search.slice(1);
    const body = method === "POST" ? await readBody(request) : new Uint8Array(0);
    const host = headers.get("host") ?? url.host;
    const signed = { method, host, path: url.pathname, query, headers, body };
    const principal = await authenticateTc3(signed, authConfig(env), clock.now());
    const form = (headers.get("content-type") ?? "").startsWith(
      "application/x-www-form-urlencoded",
    );
    const input =
      method === "GET"
        ? unflatten(decodeForm(new TextEncoder().encode(query), "query string"))
        : form
          ? unflatten(decodeForm(body, "request body"))
          : jsonInput(body);
    const call = {
      action: headers.get("x-tc-action") ?? "",
      version: headers.get("x-tc-version") ?? undefined,
      principal,
      input,
      client: headers.get("x-tc-requestclient") ?? "unknown",
      host,
      scheme: url.protocol,
    };
    return run(call, env, request);
  });
}

/** The legacy form (HmacSHA1 / HmacSHA256 over sorted parameters), read by API 2.0's endpoint. */
export function handleApi3Form(cmq: CmqRequest, env: Env, request: Request): Promise<Response> {
  return answer(request, null, async () => {
    const config = { ...authConfig(env), windowSeconds: API3_LIMITS.signatureWindowSeconds };
    const principal = await authenticate(cmq, config, clock.now());
    const value = (key: string) => cmq.params.find(([k]) => k === key)?.[1];
    const call = {
      action: value("Action") ?? "",
      version: value("Version"),
      principal,
      input: unflatten(cmq.params.filter(([key]) => !FORM_COMMON.has(key))),
      client: value("RequestClient") ?? "unknown",
      host: cmq.host,
      scheme: cmq.scheme,
    };
    return run(call, env, request);
  });
}
