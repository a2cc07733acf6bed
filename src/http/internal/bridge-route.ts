/**
 * `POST /internal/bridge`, the TCP bridge's way in (bridge-protocol.ts): 503 while the Worker has
 * no bridge token configured, 401 without the token, 400 for a call that is not valid, 500 for an
 * unexpected failure, else 200. Every body is a BridgeOutcome, so the bridge can relay even a 400's
 * error to its TCP client.
 * @module
 */
import { fail } from "../../domain/errors";
import { attemptAsync } from "../../domain/outcome";
import { parseParams } from "../params";
import { runBridgeCall } from "./bridge-calls";
import type { BridgeCall, BridgeOutcome } from "./bridge-protocol";
import { BridgeCallSchema } from "./bridge-schema";
import { bridgeTokenMatches } from "./bridge-token";

function reply(status: number, outcome: BridgeOutcome<unknown>): Response {
  return Response.json(outcome, { status });
}

/** Fails: malformedRequest (not JSON), or the schema's missingParameter, parameterType, … */
async function readCall(request: Request): Promise<BridgeCall> {
  const json: unknown = await request
    .json()
    .catch(() => fail({ kind: "malformedRequest", reason: "the bridge call as JSON" }));
  return parseParams(BridgeCallSchema, json);
}

export async function handleBridgeRequest(request: Request, env: Env): Promise<Response> {
  if (!env.CMQ_BRIDGE_TOKEN) {
    return reply(503, { ok: false, error: { kind: "bridgeTokenNotConfigured" } });
  }
  if (!(await bridgeTokenMatches(request, env))) {
    return reply(401, { ok: false, error: { kind: "bridgeUnauthorized" } });
  }
  try {
    const call = await attemptAsync(() => readCall(request));
    if (!call.ok) return reply(400, call);
    const outcome = await attemptAsync(() => runBridgeCall(call.value, env));
    return reply(200, outcome.ok ? outcome.value : outcome);
  } catch (error) {
    // The error only: a call may carry an auth signature, which stays out of the logs.
    console.error("bridge call failed", error);
    return reply(500, { ok: false, error: { kind: "internal" } });
  }
}
