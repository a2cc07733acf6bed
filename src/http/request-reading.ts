/**
 * Reads a CMQ request into its parts: method, host, path and the ordered parameters of the query
 * string and the body. The body is parsed as a form whatever the Content-Type says, because SDKs
 * send none, `*\/*` or the form type (cmq-api-http.md §1); only a JSON body that carries no form
 * parameters is refused, with an error that says what the API takes.
 * @module
 */
import { fail } from "../domain/errors";
import { MAX_PARAMETERS, MAX_REQUEST_BYTES } from "../domain/limits";
import { decodeForm } from "./form-decoding";

export interface CmqRequest {
  method: "GET" | "POST";
  /** The Host header as sent (with any port), as SDKs sign it. */
  host: string;
  /** The scheme the request came in on: `http:` or `https:`. */
  scheme: string;
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

const OPEN_BRACE = 0x7b;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * Whether a request with no query parameters sent its parameters as JSON: an object body, or a
 * JSON Content-Type over a body that parses as JSON (a form body mislabelled as JSON still works).
 * API 3.0 requests (an `X-TC-Action` header) are JSON by design and are left to their own path.
 */
function sentJsonInstead(request: Request, body: Uint8Array): boolean {
  if (request.headers.has("x-tc-action")) return false;
  const first = body.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  if (body[first] === OPEN_BRACE) return true;
  if (!JSON_TYPE.test(request.headers.get("content-type") ?? "")) return false;
  try {
    JSON.parse(new TextDecoder().decode(body));
    return true;
  } catch {
    return false;
  }
}

export async function readCmqRequest(request: Request): Promise<CmqRequest> {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "POST") fail({ kind: "unsupportedMethod", method });
  const url = new URL(request.url);
  const query = url.search.startsWith("?") ? url.search.slice(1) : url.search;
  if (query.length > MAX_REQUEST_BYTES) fail({ kind: "requestTooLarge", limit: MAX_REQUEST_BYTES });
  const params = decodeForm(new TextEncoder().encode(query), "query string");
  if (method === "POST") {
    const body = await readBody(request);
    // Without this, a JSON body decodes to one odd key and the reply blames a missing SecretId.
    if (params.length === 0 && sentJsonInstead(request, body))
      fail({ kind: "formParametersRequired" });
    params.push(...decodeForm(body, "request body"));
  }
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
    scheme: url.protocol,
    path: url.pathname,
    params,
  };
}
