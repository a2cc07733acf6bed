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
  let total = 0;
  for (const body of bodies) {
    const size = utf8Length(body);
    if (size === 0) fail({ kind: "emptyMessageBody" });
    if (size > maxMsgSize) fail({ kind: "messageTooLarge", size, limit: maxMsgSize });
    total += size;
  }
  if (total > MAX_BATCH_BYTES) fail({ kind: "batchTooLarge", size: total, limit: MAX_BATCH_BYTES });
}
