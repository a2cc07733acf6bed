/**
 * Routes and the ONE place where errors become CMQ responses: a CmqError keeps its code from the
 * error table; anything else is logged and answered as CMQ's internal error, still HTTP 200. The
 * bridge route answers in its own protocol (src/http/internal/bridge-route.ts).
 * @module
 */
import { Router } from "itty-router";
import { BRIDGE_ROUTE } from "../contract/bridge-calls";
import { CmqError, toWire } from "../domain/errors";
import { handleApi3Request } from "./api3/api3-endpoint";
import { handleCmqRequest } from "./cmq-endpoint";
import { handleBridgeRequest } from "./internal/bridge-route";
import { handleMetricsRequest } from "./metrics/metrics-endpoint";
import { noteRequest } from "./request-log";
import { errorResponse } from "./respond";

function toErrorResponse(error: unknown, request: Request): Response {
  const data = error instanceof CmqError ? error.data : ({ kind: "internal" } as const);
  if (!(error instanceof CmqError)) console.error("unhandled error", error);
  noteRequest(request, { code: toWire(data).code });
  return errorResponse(data);
}

export const router = Router<Request, [Env, ExecutionContext]>({ catch: toErrorResponse });

router.post(BRIDGE_ROUTE, (request, env, ctx) => handleBridgeRequest(request, env, ctx));
// Prometheus' scrape path; CMQ SDKs never GET it (they POST, or GET other paths).
router.get("/metrics", (request, env) => handleMetricsRequest(request, env));
// The web console's files (console/, the Worker's static assets). On Cloudflare a file that
// matches is served before the Worker runs; this answers the rest of /console (a 404 from the
// assets, not a CMQ reply) and every /console request where nothing serves the assets in front
// of the Worker (npm start, local/local-worker.ts).
router.get("/console", (request, env) => env.ASSETS.fetch(request));
router.get("/console/*", (request, env) => env.ASSETS.fetch(request));
// Tencent Cloud API 3.0 is told apart by its X-TC-Action header (its legacy signed form, by
// Version=2020-02-17 among the form parameters, in cmq-endpoint.ts); all else is API 2.0.
router.all("*", (request, env, ctx) =>
  request.headers.has("x-tc-action")
    ? handleApi3Request(request, env)
    : handleCmqRequest(request, env, ctx),
);
