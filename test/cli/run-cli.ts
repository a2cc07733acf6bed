/**
 * Runs `cmq-edge` as a process, as a user's shell would, against the Worker `cmq-edge serve`
 * started for the project (serve.setup.ts): with an environment of its own (no CMQ_* settings of
 * the machine, HOME in a temporary folder), its stdin given or streamed, its output split in lines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { httpClient } from "cmq-edge/client";
import { inject } from "vitest";
import { localCredential } from "../../local/local-defaults";
import { BIN } from "./serve.setup";

export const SERVE = inject("cliServe");

/**
 * An in-process client of the same Worker, for what a test sets up or checks around the command
 * under test: a process start costs a few hundred ms of CPU, a request a millisecond.
 */
export const api = httpClient({ endpoint: SERVE.endpoint, credentials: localCredential() });

/** The CLI's own settings: what a test does not give, the CLI must not find on this machine. */
const SETTINGS = /^CMQ_(ENDPOINT|SECRET_ID|SECRET_KEY|TCP_ADDRESS|PROFILE|CONFIG_FILE)$/;

/** A fresh HOME: no profile file unless a test writes one. */
export function newHome(): string {
  return mkdtempSync(join(SERVE.dir, "home-"));
}

const HOME = newHome();

export interface CliOptions {
  /** Replaces the defaults below; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  stdin?: string;
}

export function environment(extra: CliOptions["env"] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SETTINGS.test(k)) env[k] = v;
  Object.assign(env, { HOME, CMQ_ENDPOINT: SERVE.endpoint });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: environment(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end. */
export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  child.stdin?.end(options.stdin ?? "");
  return finished(child);
}

/** The exit code and everything printed, once the process has exited. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI and parses its stdout as JSON (one document), failing with its stderr. */
export async function cliJson<T = Record<string, unknown>>(
  args: string[],
  options: CliOptions = {},
) {
  const result = await cli([...args, "--json"], options);
  if (result.code !== 0)
    throw new Error(`cmq-edge ${args.join(" ")}: exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** NDJSON: one object a line. */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Each stdout line of a running CLI, as it is printed. */
export function lines(child: ChildProcess): AsyncIterator<string> {
  if (!child.stdout) throw new Error("no stdout");
  return createInterface({ input: child.stdout })[Symbol.asyncIterator]();
}

let counter = 0;
/** A queue or topic name of its own for each test. */
export function unique(prefix = "cli"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}`;
}
