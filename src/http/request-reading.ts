/**
 * Reads a CMQ request into its parts: method, host, path and the ordered parameters of the query
 * string and the body. The body is parsed as a form whatever the Content-Type says, because SDKs
 * send none, `*\/*` or the form type (cmq-api-http.md §1).
 * @module
 */
import { fail } from "../domain/errors";
import { MAX_PARAMETERS, MAX_REQUEST_BYTES } from "../domain/limits";
import { decodeForm } from "./form-decoding";

export interface CmqRequest {
  method: "GET" | "POST";
  /** The Host header as sent (with any port), as SDKs sign it. */
  host: string;
  path: string;
  params: [string, string][];
}

export async function readBody(request: Request): Promise<Uint8Array> {
  const length = request.headers.get("content-length");
  const declared = Number(length ?? "0");
  if (declared > MAX_REQUEST_BYTES) fail({ kind: "requestTooLarge", limit: MAX_REQUEST_BYTES });
  if (!request.body) return new Uint8Array(0);
  // HTTP framing holds a body to its declared length: read it in one native call. Only a body
  // of unknown length (chunked) is read piece by piece against the bound.
  if (length !== null) return new Uint8Array(await request.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REQUEST_BYTES) {
      await reader.cancel();
      fail({ kind: "requestTooLarge", limit: MAX_REQUEST_BYTES });
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export async function readCmqRequest(request: Request): Promise<CmqRequest> {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "POST") fail({ kind: "unsupportedMethod", method });
  const url = new URL(request.url);
  const query = url.search.startsWith("?") ? url.search.slice(1) : url.search;
  if (query.length > MAX_REQUEST_BYTES) fail({ kind: "requestTooLarge", limit: MAX_REQUEST_BYTES });
  const params = decodeForm(new TextEncoder().encode(query), "query string");
  if (method === "POST") params.push(...decodeForm(await readBody(request), "request body"));
  if (params.length > MAX_PARAMETERS) {
    fail({
      kind: "parameterOutOfRange",
      name: "parameters",
      detail: `more than ${MAX_PARAMETERS}`,
    });
  }
  return {
    method,
    host: request.headers.get("host") ?? url.host,
    path: url.pathname,
    params,
  };
}
