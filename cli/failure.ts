/**
 * How the CLI fails: every error becomes one line on stderr (a JSON object with --json) and an
 * exit code a script can branch on. CMQ's refusals keep CMQ's code and message as CMQ sent them.
 * @module
 */
import { CmqApi3Error, CmqError, CmqNetworkError, CmqUsageError } from "cmq-edge/client";

/** What the command line asked for cannot be done: a missing option, a bad value, a profile. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT = {
  ok: 0,
  /** CMQ answered and refused (its code is on the line). */
  refused: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** Nothing that answers as CMQ at the endpoint: refused, reset, timed out, not CMQ's reply. */
  noAnswer: 3,
  /** Ctrl-C ended a command before it was done. */
  interrupted: 130,
} as const;

export interface Failure {
  exitCode: number;
  /** The line for people, without its trailing newline. */
  line: string;
  /** The same for scripts (--json), on stderr too. */
  json: { error: Record<string, string | number | undefined> };
}

/** One line and an exit code for anything a command threw; `endpoint` names where it went. */
export function describeFailure(error: unknown, endpoint: string): Failure {
  if (error instanceof CmqError || error instanceof CmqApi3Error) {
    const which = error instanceof CmqError ? "CMQ" : "API 3.0";
    const hint = /authentication failed/.test(error.cmqMessage)
      ? " (the credential does not match the endpoint's: `cmq-edge profile show` says which is used)"
      : "";
    const { action, code, cmqMessage: message, requestId } = error;
    return {
      exitCode: EXIT.refused,
      line: `cmq-edge: ${action} failed with ${which} code ${code}: ${message}${hint}`,
      json: { error: { action, code, message, requestId } },
    };
  }
  if (error instanceof UsageError || error instanceof CmqUsageError) {
    return plain(EXIT.usage, error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof CmqNetworkError ||
    /^\w+: (HTTP \d+|not (a CMQ|an API 3\.0) reply)/.test(message)
  ) {
    return plain(EXIT.noAnswer, `no answer as CMQ from ${endpoint}: ${message}`);
  }
  return plain(EXIT.refused, message);
}

function plain(exitCode: number, message: string): Failure {
  return { exitCode, line: `cmq-edge: ${message}`, json: { error: { message } } };
}
