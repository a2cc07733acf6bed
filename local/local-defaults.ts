/**
 * The local defaults (local/defaults.env): the public credential and bridge token that local
 * serving and the tests run with. They live outside wrangler.toml so that no `wrangler deploy`
 * can ship them; everything local reads them from here or hands the file to wrangler.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

/** For wrangler's `--env-file` / `envFiles`, which load it as wrangler dev loads `.dev.vars`. */
export const LOCAL_DEFAULTS_FILE = fileURLToPath(new URL("./defaults.env", import.meta.url));

export interface LocalDefaults {
  /** CMQ_CREDENTIALS as the Worker reads it: a JSON list. */
  CMQ_CREDENTIALS: string;
  CMQ_BRIDGE_TOKEN: string;
  CMQ_METRICS_TOKEN: string;
}

const NAMES = ["CMQ_CREDENTIALS", "CMQ_BRIDGE_TOKEN", "CMQ_METRICS_TOKEN"] as const;

/** The file's values as committed, whatever the environment says (what must never be deployed). */
export function fileDefaults(): LocalDefaults {
  const parsed = parseEnv(readFileSync(LOCAL_DEFAULTS_FILE, "utf8"));
  const entries = NAMES.map((name) => {
    const value = parsed[name];
    if (!value) throw new Error(`${LOCAL_DEFAULTS_FILE} sets no ${name}`);
    return [name, value];
  });
  return Object.fromEntries(entries) as LocalDefaults;
}

/**
 * The values a local Worker actually runs with: wrangler lets a variable in the environment
 * override a required secret's file value, so the bridge and the tests must do the same to agree.
 */
export function localDefaults(env: NodeJS.ProcessEnv = process.env): LocalDefaults {
  const file = fileDefaults();
  return {
    CMQ_CREDENTIALS: env.CMQ_CREDENTIALS || file.CMQ_CREDENTIALS,
    CMQ_BRIDGE_TOKEN: env.CMQ_BRIDGE_TOKEN || file.CMQ_BRIDGE_TOKEN,
    CMQ_METRICS_TOKEN: env.CMQ_METRICS_TOKEN || file.CMQ_METRICS_TOKEN,
  };
}

export interface LocalCredential {
  secretId: string;
  secretKey: string;
  appId: string;
}

/** The first credential of the list: the one `npm start` prints and the local tools sign with. */
export function localCredential(env: NodeJS.ProcessEnv = process.env): LocalCredential {
  const [first] = JSON.parse(localDefaults(env).CMQ_CREDENTIALS) as LocalCredential[];
  if (!first) throw new Error("CMQ_CREDENTIALS holds no credential");
  return first;
}
