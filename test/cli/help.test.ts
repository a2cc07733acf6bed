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

  it("every command prints its own usage, with the connection options it inherits", async () => {
    // In-process, each on a fresh program (commander keeps parsed values): the same tree the
    // binary builds, without forty Node starts; the processes below check the binary itself.
    for (const path of paths) {
      const stdout = new PassThrough();
      const io = { env: {}, stdin: new PassThrough(), stdout, stderr: new PassThrough() };
      const run = buildProgram(new Runtime(io)).parseAsync([...path, "--help"], { from: "user" });
      await expect(run, path.join(" ")).rejects.toMatchObject({
        code: "commander.helpDisplayed",
        exitCode: 0,
      });
      const text = String(stdout.read() ?? "");
      expect(text, path.join(" ")).toMatch(new RegExp(`^Usage: cmq-edge ${path.join(" ")}`));
      expect(text, path.join(" ")).toContain("--json");
    }
  });

  it.each([["queue", "create"], ["send"], ["dlq", "redrive"], ["serve"]])(
    "the binary prints `%s --help` and exits 0",
    async (...path) => {
      const { code, stdout, stderr } = await cli([...path, "--help"]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      expect(stdout).toMatch(new RegExp(`^Usage: cmq-edge ${path.join(" ")}`));
    },
  );

  it("serve's help lists npm start's own options", async () => {
    const { stdout } = await cli(["serve", "--help"]);
    for (const option of ["--http-port", "--tcp-port", "--persist-to", "--log-requests"]) {
      expect(stdout).toContain(option);
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
