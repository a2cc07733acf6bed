/**
 * `POST /internal/bridge`, the TCP bridge's way in (src/contract/): 503 while the Worker has
 * no bridge token configured, 401 without the token, 400 for a call that is not valid, 500 for an
 * unexpected failure, else 200. Every body is a domain Outcome, so the bridge can relay even a
 * 400's error to its TCP client.
 * @module
 */

import { BridgeCall } from "../../contract/bridge-calls";
import { parseParams } from "../../contract/cmq-zod";
import { fail, toWire } from "../../domain/errors";
import type { Outcome } from "../../domain/outcome";
import { attemptAsync } from "../../domain/outcome";
import { requestReceiver } from "../../objects/receiver";
import { noteRequest } from "../request-log";
import { runBridgeCall } from "./bridge-calls";
import { bridgeTokenMatches } from "./bridge-token";

function reply(status: number, outcome: Outcome<unknown>): Response {
  return Response.json(outcome, { status });
}

/** What --log-requests says of a bridge call: its operation, object and size. */
function noteCall(request: Request, call: BridgeCall): void {
  const items =
    "groups" in call ? call.groups.length : "handles" in call ? call.handles.length : undefined;
  noteRequest(request, {
    api: "bridge",
    action: call.op,
    ...("queue" in call ? { queue: call.queue } : {}),
    ...("topic" in call ? { topic: call.topic } : {}),
    ...(items === undefined ? {} : { items }),
  });
}

/** Fails: malformedRequest (not JSON), or the schema's missingParameter, parameterType, … */
async function readCall(request: Request): Promise<BridgeCall> {
  const json: unknown = await request
    .json()
    .catch(() => fail({ kind: "malformedRequest", reason: "the bridge call as JSON" }));
  return parseParams(BridgeCall, json);
}

export async function handleBridgeRequest(
  request: Request,
  env: Env,
  execution: ExecutionContext,
): Promise<Response> {
  if (!env.CMQ_BRIDGE_TOKEN) {
    return reply(503, { ok: false, error: { kind: "bridgeTokenNotConfigured" } });
  }
  if (!(await bridgeTokenMatches(request, env))) {
    return reply(401, { ok: false, error: { kind: "bridgeUnauthorized" } });
  }
  try {
    const call = await attemptAsync(() => readCall(request));
    if (!call.ok) return reply(400, call);
    noteCall(request, call.value);
    const receiver = requestReceiver(request, execution);
    const outcome = await attemptAsync(() => runBridgeCall(call.value, env, receiver));
    noteRequest(request, { code: outcome.ok ? 0 : toWire(outcome.error).code });
    return reply(200, outcome.ok ? outcome.value : outcome);
  } catch (error) {
    // The error only: a call may carry an auth signature, which stays out of the logs.
    console.error("bridge call failed", error);
    return reply(500, { ok: false, error: { kind: "internal" } });
  }
}
