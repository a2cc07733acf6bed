/**
 * Credentials: (secretId, secretKey, appId) triples from the CMQ_CREDENTIALS variable (a JSON list;
 * a wrangler.toml var locally, a Worker secret in production). The appId scopes every name.
 * @module
 */
import { z } from "zod";
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

/** Parses the configuration once per isolate; a broken CMQ_CREDENTIALS fails loudly at first use. */
export function authConfig(env: {
  CMQ_CREDENTIALS?: string;
  CMQ_SIGNATURE_WINDOW_SECONDS?: string;
}): AuthConfig {
  const source = env.CMQ_CREDENTIALS ?? "[]";
  const window = env.CMQ_SIGNATURE_WINDOW_SECONDS;
  if (cached && cached.source === source && cached.window === window) return cached.config;
  const list = CredentialList.parse(JSON.parse(source));
  const windowSeconds = window === undefined ? DEFAULT_SIGNATURE_WINDOW_SECONDS : Number(window);
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new Error("CMQ_SIGNATURE_WINDOW_SECONDS must be a positive integer");
  }
  const config = { credentials: new Map(list.map((c) => [c.secretId, c])), windowSeconds };
  cached = { source, window, config };
  return config;
}
