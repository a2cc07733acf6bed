/**
 * The bridge's bearer token check. Both sides are hashed first so the constant-time comparison
 * sees equal lengths and the token's length does not leak; no configured token admits nobody.
 * @module
 */

const encoder = new TextEncoder();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

/** The configured token's digest, computed once per isolate (every bridge call checks it). */
let expectedDigest: { token: string; digest: Promise<ArrayBuffer> } | undefined;

export async function bridgeTokenMatches(
  request: Request,
  env: { CMQ_BRIDGE_TOKEN?: string },
): Promise<boolean> {
  const expected = env.CMQ_BRIDGE_TOKEN;
  if (!expected) return false;
  if (expectedDigest?.token !== expected) {
    expectedDigest = { token: expected, digest: sha256(expected) };
  }
  const presented = /^Bearer (.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  const [a, b] = await Promise.all([sha256(presented), expectedDigest.digest]);
  return crypto.subtle.timingSafeEqual(a, b);
}
