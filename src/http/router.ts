/**
 * Routes and the ONE place where errors become CMQ responses: a CmqError keeps its code from the
 * error table; anything else is logged and answered as CMQ's internal error, still HTTP 200. The
 * bridge route answers in its own protocol (src/http/internal/bridge-route.ts).
 * @module
 */
import { Router } from "itty-router";
import { BRIDGE_ROUTE } from "../contract/bridge-calls";
import { CmqError } from "../domain/errors";
import { handleCmqRequest } from "./cmq-endpoint";
import { handleBridgeRequest } from "./internal/bridge-route";
import { errorResponse } from "./respond";

function toErrorResponse(error: unknown): Response {
  if (error instanceof CmqError) return errorResponse(error.data);
  console.error("unhandled error", error);
  return errorResponse({ kind: "internal" });
}

export const router = Router<Request, [Env, ExecutionContext]>({ catch: toErrorResponse });

router.post(BRIDGE_ROUTE, (request, env, ctx) => handleBridgeRequest(request, env, ctx));
router.all("*", (request, env, ctx) => handleCmqRequest(request, env, ctx));
