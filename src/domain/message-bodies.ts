/** The size rules every message body obeys, whether sent to a queue or published to a topic. */
import { fail } from "./errors";
import { MAX_BATCH, MAX_BATCH_BYTES } from "./limits";
import { utf8Length } from "./utf8";

/**
 * Fails: batchSizeOutOfRange (not 1–16 bodies), emptyMessageBody, messageTooLarge (a body over
 * `maxMsgSize` UTF-8 bytes), batchTooLarge (all bodies over 1 MiB).
 */
export function checkBodies(bodies: readonly string[], maxMsgSize: number): void {
  if (bodies.length === 0 || bodies.length > MAX_BATCH) {
    fail({ kind: "batchSizeOutOfRange", name: "msgBody", max: MAX_BATCH });
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: exact sizes are counted only where that bound
  // could break a limit (counting is a loop over every character).
  let bound = 0;
  for (const body of bodies) {
    if (body.length === 0) fail({ kind: "emptyMessageBody" });
    if (body.length * 3 > maxMsgSize) {
      const size = utf8Length(body);
      if (size > maxMsgSize) fail({ kind: "messageTooLarge", size, limit: maxMsgSize });
    }
    bound += body.length * 3;
  }
  if (bound > MAX_BATCH_BYTES) {
    const total = bodies.reduce((n, body) => n + utf8Length(body), 0);
    if (total > MAX_BATCH_BYTES)
      fail({ kind: "batchTooLarge", size: total, limit: MAX_BATCH_BYTES });
  }
}
