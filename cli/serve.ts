/**
 * `cmq-edge serve`: exactly `npm start` (local/start.ts) — the Worker and the TCP bridge on
 * local persisted storage — run as a child from the repository's root as npm runs it, its
 * options passed through, Ctrl-C passed on, its exit code returned.
 * @module
 */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { USAGE } from "../local/start-options";
import type { Runtime } from "./runtime";

const ROOT = new URL("..", import.meta.url).pathname;
const START = new URL("../local/start.ts", import.meta.url).pathname;

export function registerServe(program: Command, rt: Runtime): void {
  program
    .command("serve")
    .description("run cmq-edge locally: what `npm start` does")
    .argument("[options...]", "npm start's options")
    .allowUnknownOption()
    .addHelpText("after", `\n${USAGE.replace(/^Usage: npm start -- \[options\]\n\n/, "")}`)
    .action(
      (args: string[]) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["--import", "tsx", START, ...args], {
            cwd: ROOT,
            stdio: "inherit",
          });
          // A terminal's Ctrl-C reaches the child too (one process group); a signal sent to
          // this process alone is passed on. start.ts stops once, however often it is told.
          const stop = () => child.kill("SIGINT");
          rt.interrupt.signal.addEventListener("abort", stop, { once: true });
          child.on("error", reject);
          child.on("exit", (code, signal) => {
            rt.interrupt.signal.removeEventListener("abort", stop);
            process.exitCode = code ?? (signal ? 1 : 0);
            resolve();
          });
        }),
    );
}
