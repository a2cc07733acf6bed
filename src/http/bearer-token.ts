/**
 * Bearer token checks (the bridge's, the metrics scraper's). Both sides are hashed first so the
 * constant-time comparison sees equal lengths and the token's length does not leak; no configured
 * token admits nobody.
 * @module
 */

const encoder = new TextEncoder();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

/** Digests of the configured tokens, computed once per isolate (every bridge call checks one). */
const digests = new Map<string, Promise<ArrayBuffer>>();
const MAX_DIGESTS = 8;

export async function bearerTokenMatches(
  request: Request,
  expected: string | undefined,
): Promise<boolean> {
  if (!expected) return false;
  let digest = digests.get(expected);
  if (!digest) {
    // Only secrets of this Worker come here: a handful, unless they are rotated very often.
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digest = sha256(expected);
    digests.set(expected, digest);
  }
  const presented = /^Bearer (.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  const [a, b] = await Promise.all([sha256(presented), digest]);
  return crypto.subtle.timingSafeEqual(a, b);
}
