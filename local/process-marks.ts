/**
 * Processes found by a mark in their environment, which every descendant inherits whatever its
 * process group: how `npm start`'s watchdog finds what start left behind, and how the fault tests
 * check that nothing of a killed run is left. Linux only (/proc); imports nothing but node:*, as
 * the watchdog runs on plain `node`.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The environment variable local/start.ts sets to a value of its own before it spawns anything. */
export const RUN_MARK = "CMQ_EDGE_RUN";
const POLL_MS = 25;

/** Live processes (not zombies) whose environment holds `entry` (`NAME=value`), except this one. */
export function marked(entry: string): number[] {
  const found: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      if (!environ.includes(entry)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && state !== "X") found.push(Number(pid));
    } catch {
      // Another user's, or gone while we looked.
    }
  }
  return found;
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already.
    }
  }
}

/** SIGTERM to every marked process, SIGKILL to those still there after `graceMs`. */
export async function endMarked(entry: string, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  signal(marked(entry), "SIGTERM");
  let left = marked(entry);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = marked(entry);
  }
  signal(left, "SIGKILL");
}
