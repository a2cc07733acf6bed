/**
 * `cmq-edge` (package.json `bin`, through cli/bin.mjs): runs one command and turns whatever it
 * throws into one line on stderr and an exit code (failure.ts). Ctrl-C aborts the command's
 * requests; for `tail` and `serve` it is the normal way to stop.
 * @module
 */
import { CommanderError } from "commander";
import { describeFailure, EXIT } from "./failure";
import { buildProgram } from "./program";
import { Runtime } from "./runtime";

const rt = new Runtime({
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});

// `cmq-edge … | head` closes the pipe early: the reader has what it wanted.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

let signals = 0;
const interrupted = () => {
  // A second Ctrl-C does not wait for the first to finish.
  if (++signals > 1) process.exit(EXIT.interrupted);
  rt.interrupt.abort(new DOMException("interrupted", "AbortError"));
};
process.on("SIGINT", interrupted);
process.on("SIGTERM", interrupted);

const program = buildProgram(rt);
let exitCode: number = EXIT.ok;
try {
  await program.parseAsync(process.argv);
  exitCode = Number(process.exitCode ?? EXIT.ok);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander printed it already: help and --version exit 0, usage errors 2.
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (rt.interrupt.signal.aborted) {
    exitCode = EXIT.interrupted;
  } else {
    const failure = describeFailure(error, rt.endpoint);
    const json = program.opts().json === true;
    process.stderr.write(`${json ? JSON.stringify(failure.json) : failure.line}\n`);
    exitCode = failure.exitCode;
  }
} finally {
  rt.close();
}
// Not left to the event loop (idle keep-alive sockets would hold the process for seconds), but
// once what was written has gone out: a pipe may still hold it where writes are asynchronous.
process.stdout.write("", () => process.stderr.write("", () => process.exit(exitCode)));
