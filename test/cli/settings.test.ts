/**
 * Where the CLI connects, as a process in a HOME of its own: a saved profile, --profile and
 * CMQ_PROFILE, flags over environment over profile, the local default credential only for a
 * local endpoint, and the errors a wrong credential or a dead endpoint give.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localCredential } from "../../local/local-defaults";
import { freePort } from "../fault/processes";
import { cli, cliJson, newHome, SERVE } from "./run-cli";

interface Shown {
  profile: { value: string };
  endpoint: { value: string; source: string };
  secret_id: { value: string; source: string };
  secret_key: { value: string; source: string };
}

const { secretId: LOCAL_ID, secretKey: LOCAL_KEY } = localCredential();

describe("cmq-edge profiles", () => {
  it("saves a profile, readable by its owner only, and uses it", async () => {
    const home = newHome();
    const env = { HOME: home, CMQ_ENDPOINT: undefined };
    const saved = await cli(
      [
        "profile",
        "set",
        "dev",
        "--endpoint",
        SERVE.endpoint,
        "--secret-id",
        LOCAL_ID,
        "--secret-key",
        LOCAL_KEY,
      ],
      { env },
    );
    expect(saved.code).toBe(0);
    const file = join(home, ".cmq-edge", "config");
    expect(readFileSync(file, "utf8")).toContain(`endpoint=${SERVE.endpoint}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const shown = await cliJson<Shown>(["--profile", "dev", "profile", "show"], { env });
    expect(shown).toMatchObject({
      profile: { value: "dev" },
      endpoint: { value: `${SERVE.endpoint}/v2/index.php`, source: "profile" },
      secret_id: { value: LOCAL_ID, source: "profile" },
      secret_key: { value: "****-key", source: "profile" },
    });
    expect((await cli(["queue", "list"], { env: { ...env, CMQ_PROFILE: "dev" } })).code).toBe(0);
    const listed = await cliJson<{ profiles: { profile: string }[] }>(["profile", "list"], { env });
    expect(listed.profiles.map((p) => p.profile)).toEqual(["dev"]);
  });

  it("a flag beats the environment, which beats the profile", async () => {
    const home = newHome();
    const env = { HOME: home, CMQ_ENDPOINT: undefined };
    await cli(["profile", "set", "default", "--endpoint", "http://127.0.0.1:1"], { env });
    const fromProfile = await cliJson<Shown>(["profile", "show"], { env });
    expect(fromProfile.endpoint).toEqual({
      value: "http://127.0.0.1:1/v2/index.php",
      source: "profile",
    });
    const fromEnv = await cliJson<Shown>(["profile", "show"], {
      env: { ...env, CMQ_ENDPOINT: "127.0.0.1:2" },
    });
    expect(fromEnv.endpoint).toEqual({ value: "http://127.0.0.1:2/v2/index.php", source: "env" });
    const fromFlag = await cliJson<Shown>(["profile", "show", "--endpoint", "http://127.0.0.1:3"], {
      env: { ...env, CMQ_ENDPOINT: "127.0.0.1:2" },
    });
    expect(fromFlag.endpoint).toEqual({ value: "http://127.0.0.1:3/v2/index.php", source: "flag" });
    // A local endpoint and no credential anywhere: the local default one.
    expect(fromFlag.secret_id).toEqual({ value: LOCAL_ID, source: "default" });
  });

  it("a profile asked for by name must exist", async () => {
    const { code, stderr } = await cli(["--profile", "prod", "queue", "list"], {
      env: { HOME: newHome() },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cmq-edge: no profile "prod" in .*\.cmq-edge\/config/);
  });

  it("a remote endpoint never gets the local default credential", async () => {
    const { code, stderr } = await cli(["queue", "list", "--endpoint", "https://cmq.example.com"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^cmq-edge: no credential for https:\/\/cmq\.example\.com: give --secret-id/,
    );
  });

  it("a secretId without its key is a usage error, not the local key", async () => {
    const { code, stderr } = await cli(["queue", "list"], { env: { CMQ_SECRET_ID: LOCAL_ID } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cmq-edge: a secretId without a secretKey: give --secret-key/);
  });
});

describe("cmq-edge's errors", () => {
  it("a wrong key is CMQ's authentication code on one line, exit 1", async () => {
    const { code, stderr } = await cli(["queue", "list"], {
      env: { CMQ_SECRET_ID: LOCAL_ID, CMQ_SECRET_KEY: "wrong" },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^cmq-edge: ListQueue failed with CMQ code 4100: \(10030\)authentication failed \(.*profile show.*\)\n$/,
    );
  });

  it("nothing listening at the endpoint is exit 3", async () => {
    // Free when looked up, so nothing listens there (fetch refuses ports such as 1 itself).
    const port = await freePort();
    const { code, stderr } = await cli(["queue", "list", "--endpoint", `http://127.0.0.1:${port}`]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `cmq-edge: no answer as CMQ from http://127.0.0.1:${port}/v2/index.php: ListQueue: fetch failed (ECONNREFUSED)\n`,
    );
  });
});
