/**
 * `cmq-edge trace <queue> <msgId>`: what happened to one message (EdgeGetMessageTrace), oldest
 * first, recorded while the queue's `trace` attribute is on (`cmq-edge queue set <q> --trace`).
 * @module
 */
import type { Command } from "commander";
import { formatTable } from "./output";
import type { Runtime } from "./runtime";

export function registerTrace(program: Command, rt: Runtime): void {
  program
    .command("trace <queue> <msgId>")
    .description("a message's lifecycle: sent, each delivery, deleted, dead-lettered, expired")
    .action((queue: string, msgId: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const events = await ctx.client().queue(queue).trace(msgId, ctx.call);
        if (events.length === 0 && !ctx.out.json) {
          ctx.out.note(
            `no trace of ${msgId} in ${queue}: is its trace on? (\`cmq-edge queue set ${queue} --trace\`)`,
          );
          return;
        }
        ctx.out.result({ queueName: queue, msgId, events }, () =>
          formatTable(events, [
            { header: "TIME", value: (e) => new Date(e.timeMs).toISOString() },
            { header: "EVENT", value: (e) => e.event },
            {
              header: "DETAILS",
              value: ({ time: _t, timeMs: _ms, event: _e, ...rest }) =>
                Object.entries(rest)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(" "),
            },
          ]),
        );
      }),
    );
}
