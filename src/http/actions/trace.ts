/**
 * EdgeGetMessageTrace (cmq-edge's own action): what happened to one message of a queue whose
 * `trace` attribute is 1 — sent (how, by which client), each delivery with its receipt handle,
 * deleted, dead-lettered, expired, committed or rolled back. Events are kept for the queue's
 * msgRetentionSeconds.
 * @module
 */
import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { unixSeconds } from "../../contract/unix-seconds";
import { fail } from "../../domain/errors";
import { parseUint64 } from "../../domain/ids";
import { unwrap } from "../../domain/outcome";
import { type Action, action } from "../action";
import { queueObject } from "../tenant";

const EdgeGetMessageTrace = action(
  z.object({ queueName: nameParam("queue"), msgId: z.string() }),
  async (ctx, input) => {
    const msgId =
      parseUint64(input.msgId) ??
      fail({ kind: "parameterType", name: "msgId", expected: "decimal message id" });
    const events = unwrap(
      await queueObject(ctx, input.queueName).messageTrace({ queue: input.queueName }, msgId),
    );
    return {
      msgId: input.msgId,
      events: events.map((e) => ({
        time: unixSeconds(e.at),
        timeMs: e.at,
        event: e.event,
        ...e.detail,
      })),
    };
  },
);

export const TRACE_ACTIONS = { EdgeGetMessageTrace } satisfies Record<string, Action>;
