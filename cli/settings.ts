/**
 * Where the CLI connects and with which credential, as other cloud CLIs decide it: for each
 * setting a flag, else a CMQ_* environment variable, else the profile (an INI file,
 * ~/.cmq-edge/config), else the local defaults — the local default credential only for an
 * endpoint on this machine, so a typo never signs a remote request with the public local key.
 * @module
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Credentials } from "cmq-edge/client";
import { parse } from "ini";
import { localCredential } from "../local/local-defaults";
import { UsageError } from "./failure";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:8787";
export const DEFAULT_PROFILE = "default";

/** The settings a profile holds, by their INI key. */
export const PROFILE_KEYS = {
  endpoint: "endpoint",
  secretId: "secret_id",
  secretKey: "secret_key",
  tcpAddress: "tcp_address",
} as const;

export type SettingName = keyof typeof PROFILE_KEYS;

const ENV_NAMES: Record<SettingName, string> = {
  endpoint: "CMQ_ENDPOINT",
  secretId: "CMQ_SECRET_ID",
  secretKey: "CMQ_SECRET_KEY",
  tcpAddress: "CMQ_TCP_ADDRESS",
};

const FLAGS: Record<SettingName, string> = {
  endpoint: "--endpoint",
  secretId: "--secret-id",
  secretKey: "--secret-key",
  tcpAddress: "--tcp-address",
};

export type Source = "flag" | "env" | "profile" | "default";

export interface Flags {
  endpoint?: string;
  secretId?: string;
  secretKey?: string;
  tcpAddress?: string;
  profile?: string;
}

export interface Settings {
  /** The API 2.0 URL, path included (/v2/index.php when none was given). */
  endpoint: string;
  credentials: Credentials;
  /** The TCP bridge, when messages should travel over TCP. */
  tcp?: { host: string; port: number };
  profile: string;
  configFile: string;
  /** Where each setting came from, for `profile show`. */
  sources: Record<SettingName, Source | undefined>;
}

/** The profile file: CMQ_CONFIG_FILE, else ~/.cmq-edge/config under HOME. */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  return env.CMQ_CONFIG_FILE || join(env.HOME || homedir(), ".cmq-edge", "config");
}

/** The file's profiles, each a map of INI keys; none when the file does not exist. */
export function readProfiles(path: string): Record<string, Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UsageError(`cannot read the profile file ${path}: ${(error as Error).message}`);
  }
  const profiles: Record<string, Record<string, string>> = {};
  for (const [name, section] of Object.entries(parse(text))) {
    if (section && typeof section === "object") {
      profiles[name] = Object.fromEntries(Object.entries(section).map(([k, v]) => [k, String(v)]));
    }
  }
  return profiles;
}

/** An endpoint on this machine: the only kind the local default credential is used for. */
export function isLocalEndpoint(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `host:port` → its parts; usage error otherwise. */
export function parseTcpAddress(text: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) {
    throw new UsageError(`a TCP address is host:port, got ${JSON.stringify(text)}`);
  }
  return { host: (match[1] as string).replace(/^\[|\]$/g, ""), port };
}

/** As the SDKs take it: a bare origin posts to /v2/index.php; a missing scheme means http. */
export function parseEndpoint(text: string): URL {
  const url = URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new UsageError(`the endpoint must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (url.pathname === "/") url.pathname = "/v2/index.php";
  return url;
}

export function resolveSettings(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => Record<string, Record<string, string>> = readProfiles,
): Settings {
  const configFile = configFilePath(env);
  const named = flags.profile ?? (env.CMQ_PROFILE || undefined);
  const profile = named ?? DEFAULT_PROFILE;
  const profiles = readFile(configFile);
  const section = profiles[profile];
  // A profile asked for by name must exist; the default one may be absent.
  if (named && !section) {
    throw new UsageError(`no profile "${profile}" in ${configFile} (\`cmq-edge profile list\`)`);
  }
  const sources = {} as Record<SettingName, Source | undefined>;
  const pick = (name: SettingName): string | undefined => {
    const candidates: [Source, string | undefined][] = [
      ["flag", flags[name]],
      ["env", env[ENV_NAMES[name]] || undefined],
      ["profile", section?.[PROFILE_KEYS[name]]],
    ];
    const found = candidates.find(([, value]) => value !== undefined && value !== "");
    sources[name] = found?.[0];
    return found?.[1];
  };
  const endpointText = pick("endpoint");
  if (!endpointText) sources.endpoint = "default";
  const endpoint = parseEndpoint(endpointText ?? DEFAULT_ENDPOINT);
  const secretId = pick("secretId");
  const secretKey = pick("secretKey");
  const tcpAddress = pick("tcpAddress");
  return {
    endpoint: endpoint.toString(),
    credentials: credentialsFor(endpoint, secretId, secretKey, sources),
    ...(tcpAddress ? { tcp: parseTcpAddress(tcpAddress) } : {}),
    profile,
    configFile,
    sources,
  };
}

function credentialsFor(
  endpoint: URL,
  secretId: string | undefined,
  secretKey: string | undefined,
  sources: Settings["sources"],
): Credentials {
  if (secretId && secretKey) return { secretId, secretKey };
  if (secretId || secretKey) {
    const [given, missing] = secretId ? ["secretId", "secretKey"] : ["secretKey", "secretId"];
    throw new UsageError(
      `a ${given} without a ${missing}: give ${FLAGS[missing as SettingName]} (or ${ENV_NAMES[missing as SettingName]}, or ${PROFILE_KEYS[missing as SettingName]} in the profile)`,
    );
  }
  if (!isLocalEndpoint(endpoint)) {
    throw new UsageError(
      `no credential for ${endpoint.origin}: give --secret-id and --secret-key, set CMQ_SECRET_ID and CMQ_SECRET_KEY, or save a profile (\`cmq-edge profile set\`)`,
    );
  }
  sources.secretId = "default";
  sources.secretKey = "default";
  const local = localCredential();
  return { secretId: local.secretId, secretKey: local.secretKey };
}
