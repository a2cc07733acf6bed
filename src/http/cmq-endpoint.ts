/**
 * The CMQ action API, served on every path (TDMQ-era SDKs post to `/`, the rest to
 * `/v2/index.php`): read the request, authenticate, find the action, validate, run, reply.
 * @module
 */
import { fail } from "../domain/errors";
import { requestReceiver } from "../objects/receiver";
import { findAction } from "./action-table";
import { handleApi3Form, isApi3Form } from "./api3/api3-endpoint";
import { authenticate } from "./auth";
import { authConfig } from "./credentials";
import { collectParams, parseParams } from "./params";
import { readCmqRequest } from "./request-reading";
import { replyResponse } from "./respond";

export async function handleCmqRequest(
  request: Request,
  env: Env,
  execution: ExecutionContext,
): Promise<Response> {
  const cmq = await readCmqRequest(request);
  // API 3.0's legacy form (HmacSHA1/HmacSHA256 with Version=2020-02-17) shares this shape.
  if (isApi3Form(cmq.params)) return handleApi3Form(cmq, env);
  const principal = await authenticate(cmq, authConfig(env), Date.now());
  const input = collectParams(cmq.params);
  const name = input.Action;
  if (typeof name !== "string") fail({ kind: "missingParameter", name: "Action" });
  const action = findAction(name) ?? fail({ kind: "unknownAction", action: name });
  const params = parseParams(action.schema, input);
  const stamp = action.replaySafe ? undefined : principal.stamp;
  const client = typeof input.RequestClient === "string" ? input.RequestClient : "unknown";
  const ctx = {
    env,
    appId: principal.credential.appId,
    stamp,
    client,
    host: cmq.host,
    receiver: requestReceiver(request, execution),
  };
  return replyResponse(await action.run(ctx, params));
}
