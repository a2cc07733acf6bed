/**
 * Credentials: (secretId, secretKey, appId) triples from the CMQ_CREDENTIALS secret (a JSON list;
 * local/defaults.env locally, `wrangler secret put` when deployed). The appId scopes every name.
 * @module
 */
import { z } from "zod";
import { fail } from "../domain/errors";
import { DEFAULT_SIGNATURE_WINDOW_SECONDS } from "../domain/limits";

export interface Credential {
  secretId: string;
  secretKey: string;
  appId: string;
}

const CredentialList = z.array(
  z.object({
    secretId: z.string().min(1),
    secretKey: z.string().min(1),
    appId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/),
  }),
);

export interface AuthConfig {
  credentials: ReadonlyMap<string, Credential>;
  windowSeconds: number;
}

let cached: { source: string; window: string | undefined; config: AuthConfig } | undefined;

/**
 * Parses the configuration once per isolate; a broken CMQ_CREDENTIALS fails loudly at first use.
 * Fails noCredentialConfigured when there is none: nothing is served without one.
 */
export function authConfig(env: {
  CMQ_CREDENTIALS?: string;
  CMQ_SIGNATURE_WINDOW_SECONDS?: string;
}): AuthConfig {
  // A secret put with an empty value is no credential either, not a JSON error.
  const source = env.CMQ_CREDENTIALS?.trim() || "[]";
  const window = env.CMQ_SIGNATURE_WINDOW_SECONDS;
  if (cached && cached.source === source && cached.window === window) return cached.config;
  const list = CredentialList.parse(JSON.parse(source));
  if (list.length === 0) fail({ kind: "noCredentialConfigured" });
  const windowSeconds = window === undefined ? DEFAULT_SIGNATURE_WINDOW_SECONDS : Number(window);
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new Error("CMQ_SIGNATURE_WINDOW_SECONDS must be a positive integer");
  }
  const config = { credentials: new Map(list.map((c) => [c.secretId, c])), windowSeconds };
  cached = { source, window, config };
  return config;
}
