/**
 * The CMQ action API, served on every path (TDMQ-era SDKs post to `/`, the rest to
 * `/v2/index.php`): read the request, authenticate, find the action, validate, run, reply.
 * @module
 */

import { parseParams } from "../contract/cmq-zod";
import { fail, toWire } from "../domain/errors";
import { clock } from "../objects/clock";
import { requestReceiver } from "../objects/receiver";
import { findAction } from "./action-table";
import { handleApi3Form, isApi3Form } from "./api3/api3-endpoint";
import { authenticate } from "./auth";
import { authConfig } from "./credentials";
import { collectParams } from "./params";
import { noteRequest, textOf } from "./request-log";
import { readCmqRequest } from "./request-reading";
import { FailedReply, replyResponse } from "./respond";

export async function handleCmqRequest(
  request: Request,
  env: Env,
  execution: ExecutionContext,
): Promise<Response> {
  // First: a Worker without credentials refuses every request the same way, however malformed.
  const config = authConfig(env);
  const cmq = await readCmqRequest(request);
  // API 3.0's legacy form (HmacSHA1/HmacSHA256 with Version=2020-02-17) shares this shape.
  if (isApi3Form(cmq.params)) return handleApi3Form(cmq, env, request);
  const principal = await authenticate(cmq, config, clock.now());
  const input = collectParams(cmq.params);
  const name = input.Action;
  if (typeof name !== "string") fail({ kind: "missingParameter", name: "Action" });
  noteRequest(request, {
    api: "cmq",
    action: name,
    queue: textOf(input.queueName),
    topic: textOf(input.topicName),
  });
  const { action, replay } = findAction(name) ?? fail({ kind: "unknownAction", action: name });
  const params = parseParams(action.schema, input);
  // Only actions whose honest repeat loses nothing are refused on a repeat (replay-policy.ts).
  const stamp = replay === "refuse" ? principal.stamp : undefined;
  const client = typeof input.RequestClient === "string" ? input.RequestClient : "unknown";
  const { host, scheme } = cmq;
  const ctx = {
    env,
    appId: principal.credential.appId,
    stamp,
    client,
    host,
    scheme,
    receiver: requestReceiver(request, execution),
  };
  const reply = await action.run(ctx, params);
  noteRequest(request, { code: reply instanceof FailedReply ? toWire(reply.error).code : 0 });
  return replyResponse(reply);
}
