/**
 * The local Worker the CLI tests run against, started as a user would: `cmq-edge serve` (which is
 * `npm start`) on free ports and a temporary state folder, in its own process group. Stopped with
 * Ctrl-C (SIGINT) at the end, which must leave nothing running: that checks `serve` as well.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ProcessGroup, ROOT } from "../fault/processes";

export interface CliServe {
  /** The HTTP API's origin, as `serve` printed it. */
  endpoint: string;
  /** The TCP bridge, host:port. */
  tcpAddress: string;
  /** A folder for the tests' own files (profile homes). */
  dir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    cliServe: CliServe;
  }
}

export const BIN = join(ROOT, "cli/bin.mjs");

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "cmq-cli-"));
  const home = join(dir, "serve-home");
  mkdirSync(home);
  mkdirSync(join(dir, "tmp"));
  const ports = ["--http-port", "--tcp-port", "--https-port", "--bridge-metrics-port"];
  const serve = ProcessGroup.start(
    "cli-serve",
    process.execPath,
    [BIN, "serve", ...ports.flatMap((p) => [p, "0"]), "--persist-to", join(dir, "state")],
    {
      cwd: dir,
      env: { ...process.env, HOME: home, TMPDIR: join(dir, "tmp") },
      logPath: join(dir, "serve.log"),
    },
  );
  try {
    const http = await serve.printed(/HTTP listening on (http:\/\/127\.0\.0\.1:\d+)\//);
    const tcp = await serve.printed(/TCP listening on (127\.0\.0\.1:\d+) /);
    project.provide("cliServe", { endpoint: http[1] as string, tcpAddress: tcp[1] as string, dir });
  } catch (error) {
    serve.killAll();
    throw error;
  }
  return async () => {
    process.kill(-serve.pgid, "SIGINT");
    const gone = await serve.gone(20_000);
    const left = serve.left();
    if (!gone) serve.killAll();
    rmSync(dir, { recursive: true, force: true });
    if (!gone) throw new Error(`cmq-edge serve left ${left.join(", ")} running after Ctrl-C`);
  };
}
