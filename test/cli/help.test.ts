/**
 * `--help` on every command, as a process: each prints its own usage and exits 0; a mistyped
 * command or option is one line and exit 2. The list of commands comes from the program itself,
 * so a command added later is covered without editing this file.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildProgram, commandPaths } from "../../cli/program";
import { Runtime } from "../../cli/runtime";
import { cli } from "./run-cli";

const STACK_FRAME = /^\s+at\s/m;

const program = buildProgram(
  new Runtime({
    env: {},
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
  }),
);
const paths = commandPaths(program).filter((path) => path.at(-1) !== "help");

describe("cmq-edge --help", () => {
  it("covers every command group the issue names", () => {
    const names = paths.map((p) => p.join(" "));
    for (const expected of [
      "queue create",
      "queue list",
      "queue get",
      "queue set",
      "queue delete",
      "queue purge",
      "queue rewind",
      "send",
      "receive",
      "peek",
      "tail",
      "stats",
      "topic publish",
      "subscription create",
      "dlq redrive",
      "trace",
      "serve",
      "call",
      "profile show",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it("prints each command's usage and exits 0", async () => {
    const results = [];
    // Four at a time: each is a Node process.
    for (let i = 0; i < paths.length; i += 4) {
      const group = paths.slice(i, i + 4);
      results.push(
        ...(await Promise.all(
          group.map(async (path) => ({ path, ...(await cli([...path, "--help"])) })),
        )),
      );
    }
    for (const { path, code, stdout, stderr } of results) {
      expect({ path, code, stderr }).toEqual({ path, code: 0, stderr: "" });
      expect(stdout).toMatch(new RegExp(`^Usage: cmq-edge ${path.join(" ")}`));
      // Every command shows the connection options it inherits.
      expect(stdout).toContain("--json");
    }
  });

  it("the top level lists every group and the exit codes", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const group of ["queue", "send", "topic", "subscription", "dlq", "stats", "serve"]) {
      expect(stdout).toMatch(new RegExp(`^  ${group}\\b`, "m"));
    }
    expect(stdout).toContain("Exit codes: 0 done, 1 CMQ refused");
  });

  it.each([
    ["an unknown command", ["qeueu", "list"], /^cmq-edge: unknown command 'qeueu'/],
    ["an unknown option", ["queue", "list", "--bogus"], /^cmq-edge: unknown option '--bogus'/],
    ["a missing argument", ["queue", "create"], /^cmq-edge: missing required argument 'queue'/],
    [
      "a value that is not a number",
      ["receive", "q", "--max", "many"],
      /^cmq-edge: option '--max <n>' argument 'many' is invalid/,
    ],
  ])("%s is one line on stderr and exit 2", async (_what, args, line) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(line);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});
