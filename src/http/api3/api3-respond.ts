/**
 * API 3.0's reply envelope (tdmq-api3.md §4): always HTTP 200 and exactly `application/json` (the
 * Python SDK reads an error only under that type), `{"Response": {…, "RequestId"}}`, errors as
 * `Response.Error {Code, Message}` from the one error table.
 * @module
 */
import { type CmqErrorData, toApi3 } from "../../domain/errors";

const JSON_TYPE = "application/json";

function envelope(response: Record<string, unknown>, traceId: string | null): Response {
  const headers: Record<string, string> = { "content-type": JSON_TYPE };
  // The SDKs report the trace id they sent along with an error.
  if (traceId) headers["x-tc-traceid"] = traceId;
  const body = { Response: { ...response, RequestId: crypto.randomUUID() } };
  return new Response(JSON.stringify(body), { status: 200, headers });
}

export function api3Success(fields: Record<string, unknown>, traceId: string | null): Response {
  return envelope(fields, traceId);
}

export function api3Error(error: CmqErrorData, traceId: string | null): Response {
  return envelope({ Error: toApi3(error) }, traceId);
}
