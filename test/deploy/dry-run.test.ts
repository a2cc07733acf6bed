/**
 * No deploy can ship the local defaults: `wrangler deploy --dry-run` for the top level (no --env,
 * what most people type) and for every [env.*] of wrangler.toml, searched for the default secret
 * keys, bridge token and metrics token — in what it prints, the bundle, and the upload form it
 * would send.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import { fileDefaults } from "../../local/local-defaults";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONFIG = join(ROOT, "wrangler.toml");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const run = promisify(execFile);

const environments = Object.keys(
  experimental_readRawConfig({ config: CONFIG }).rawConfig.env ?? {},
);
const targets: { name: string; args: string[] }[] = [
  { name: "top level (no --env)", args: [] },
  ...environments.map((env) => ({ name: `[env.${env}]`, args: ["--env", env] })),
];

const defaults = fileDefaults();
const secrets: string[] = [
  defaults.CMQ_BRIDGE_TOKEN,
  defaults.CMQ_METRICS_TOKEN,
  ...(JSON.parse(defaults.CMQ_CREDENTIALS) as { secretKey: string }[]).map((c) => c.secretKey),
];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface DryRun {
  /** Everything it printed and wrote: output, bundle, source map, upload form. */
  texts: Map<string, string>;
  /** The Worker's bindings as the upload form's metadata lists them. */
  bindings: { name: string; type: string }[];
}

async function dryRun(args: string[]): Promise<DryRun> {
  const outdir = mkdtempSync(join(tmpdir(), "cmq-edge-dry-run-"));
  dirs.push(outdir);
  const form = join(outdir, "upload.form");
  const { stdout, stderr } = await run(
    process.execPath,
    [WRANGLER, "deploy", "--dry-run", "-c", CONFIG, "--outdir", outdir, "--outfile", form, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    },
  );
  const texts = new Map([["output", stdout + stderr]]);
  for (const file of readdirSync(outdir)) texts.set(file, readFileSync(join(outdir, file), "utf8"));
  // multipart/form-data: the part named "metadata" is the JSON the deploy API would receive.
  const body = texts.get("upload.form") ?? "";
  const boundary = body.slice(0, body.indexOf("\r\n"));
  const part = body.split(boundary).find((p) => p.includes('name="metadata"')) ?? "";
  const metadata = JSON.parse(part.slice(part.indexOf("\r\n\r\n") + 4).trim());
  return { texts, bindings: metadata.bindings };
}

describe("wrangler deploy --dry-run ships no local default", () => {
  it("finds the environments to check in wrangler.toml", () => {
    expect(environments).toContain("production");
    expect(secrets.length).toBeGreaterThanOrEqual(3);
  });

  it.concurrent.each(targets)(
    "$name: no default secret key, bridge token or metrics token anywhere in the deploy",
    async ({ args }) => {
      const { texts, bindings } = await dryRun(args);
      expect([...texts.keys()]).toEqual(expect.arrayContaining(["output", "upload.form"]));
      const found = [...texts].flatMap(([where, text]) =>
        secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`),
      );
      expect(found).toEqual([]);
      // All come from the deployed Worker's secrets, never from a value in the upload.
      for (const name of ["CMQ_CREDENTIALS", "CMQ_BRIDGE_TOKEN", "CMQ_METRICS_TOKEN"]) {
        expect(bindings.find((b) => b.name === name)).toEqual({ name, type: "inherit" });
      }
    },
    60_000,
  );
});
