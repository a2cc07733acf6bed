/**
 * The command tree of `cmq-edge` (commander): the connection options every command takes, and one
 * register function per command group. Built without running, so tests can list every command.
 * @module
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerCall } from "./call";
import { registerDlq } from "./dlq";
import { registerMessages } from "./messages";
import { registerProfile } from "./profile";
import { registerQueue } from "./queue";
import type { Runtime } from "./runtime";
import { registerServe } from "./serve";
import { registerStats } from "./stats";
import { registerSubscription } from "./subscription";
import { registerTopic } from "./topic";
import { registerTrace } from "./trace";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

export function buildProgram(rt: Runtime): Command {
  const program = new Command("cmq-edge")
    .description("cmq-edge from the shell: queues, messages, topics, subscriptions, stats")
    .version(VERSION)
    .option(
      "--endpoint <url>",
      "the CMQ HTTP API (env CMQ_ENDPOINT; default http://127.0.0.1:8787)",
    )
    .option("--secret-id <id>", "the credential's secretId (env CMQ_SECRET_ID)")
    .option("--secret-key <key>", "its secretKey (env CMQ_SECRET_KEY)")
    .option(
      "--tcp-address <host:port>",
      "send and receive messages over the TCP bridge (env CMQ_TCP_ADDRESS)",
    )
    .option("--profile <name>", "a profile of ~/.cmq-edge/config (env CMQ_PROFILE)")
    .option("--json", "JSON output for scripts (NDJSON for the message commands)")
    .addHelpText(
      "after",
      `
Settings: a flag, else its CMQ_* variable, else the profile (--profile, default "default"),
else the local defaults (the local default credential only for an endpoint on this machine).
Exit codes: 0 done, 1 CMQ refused (its code is printed), 2 usage, 3 no answer, 130 interrupted.`,
    )
    // Set before the commands are added: each inherits them.
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => rt.io.stdout.write(text),
      writeErr: (text) => rt.io.stderr.write(text),
      outputError: (text, write) =>
        write(
          `cmq-edge: ${text
            .replace(/^error: /, "")
            .replace(/\s*\n\s*/g, " ")
            .trim()}\n`,
        ),
    });
  registerQueue(program, rt);
  registerMessages(program, rt);
  registerStats(program, rt);
  registerTopic(program, rt);
  registerSubscription(program, rt);
  registerDlq(program, rt);
  registerTrace(program, rt);
  registerProfile(program, rt);
  registerCall(program, rt);
  registerServe(program, rt);
  return program;
}

/** Every command's words, e.g. ["queue", "create"], groups included: what `--help` is run for. */
export function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [path, ...commandPaths(c, path)];
  });
}
