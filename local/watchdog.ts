/**
 * The watch `npm start` leaves running beside itself, in a process group of its own: once start's
 * IPC channel closes (start is gone, by SIGKILL of it alone or of its whole group included), it
 * ends every process still carrying start's run mark in its environment, then exits. workerd needs
 * this: Miniflare spawns it, and it outlives a killed parent, holding its sockets and storage.
 * Run by plain `node` (type stripping), hence the `.ts` import.
 */
import { endMarked, RUN_MARK } from "./process-marks.ts";

/** How long marked processes get after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 500;

const mark = process.env[RUN_MARK];
if (mark) {
  // Ctrl-C reaches start's group, not this one; the SIGHUP of a closed terminal must not end the
  // watch before it has done its work either.
  process.on("SIGHUP", () => {});
  process.on("disconnect", () => {
    void endMarked(`${RUN_MARK}=${mark}`, TERM_GRACE_MS).then(() => process.exit(0));
  });
}
