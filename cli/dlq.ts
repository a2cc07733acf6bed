/**
 * `cmq-edge dlq …`: dead-letter queues — `redrive` (EdgeRedriveDeadLetterQueue, with a progress
 * bar fed by GetQueueAttributes' redriveMovedMsgNum until redriveStatus is idle), `sources`, and
 * `unbind` (a queue's dead-letter policy removed).
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SingleBar } from "cli-progress";
import type { Queue } from "cmq-edge/client";
import type { Command } from "commander";
import { plural } from "./messages";
import { integer } from "./options";
import { formatTable } from "./output";
import type { Context, Runtime } from "./runtime";
import { okCall } from "./stats";

interface RedriveOptions {
  rate?: number;
  wait: boolean;
  poll: number;
}

/** The progress shown while waiting: a bar on a terminal, nothing in a pipe or with --json. */
function progressBar(ctx: Context, total: number) {
  const stderr = ctx.io.stderr as NodeJS.WriteStream;
  if (ctx.out.json || !stderr.isTTY) return undefined;
  const bar = new SingleBar({
    stream: stderr,
    format: "redriving [{bar}] {value}/{total} messages",
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}

async function redrive(ctx: Context, queue: Queue, o: RedriveOptions) {
  const metrics = await okCall(
    ctx.client(),
    "EdgeGetQueueMetrics",
    { queueName: queue.name },
    ctx.call,
  );
  const total: number = metrics.deadLetterMsgNum;
  if (total === 0) {
    ctx.out.result(
      { queueName: queue.name, redriveMovedMsgNum: 0, total },
      () => `no dead-lettered message in ${queue.name}`,
    );
    return;
  }
  await queue.redrive({ rate: o.rate, ...ctx.call });
  if (!o.wait) {
    ctx.out.result(
      { queueName: queue.name, redriveStatus: "running", total },
      () =>
        `redriving ${plural(total, "message")} from ${queue.name}; \`cmq-edge queue get ${queue.name}\` shows redriveMovedMsgNum`,
    );
    return;
  }
  ctx.out.note(
    `redriving ${plural(total, "message")} from ${queue.name} (Ctrl-C stops watching; the redrive goes on)`,
  );
  const bar = progressBar(ctx, total);
  let moved = 0;
  try {
    for (;;) {
      const attributes = await queue.attributes(ctx.call);
      moved = attributes.redriveMovedMsgNum;
      // More may have been dead-lettered meanwhile: the bar grows rather than overflows.
      bar?.setTotal(Math.max(total, moved));
      bar?.update(moved);
      if (attributes.redriveStatus === "idle") break;
      await sleep(o.poll, undefined, ctx.call);
    }
  } finally {
    bar?.stop();
  }
  ctx.out.result(
    { queueName: queue.name, redriveStatus: "idle", redriveMovedMsgNum: moved, total },
    () => `redriven ${plural(moved, "message")} from ${queue.name} to their source queues`,
  );
}

export function registerDlq(program: Command, rt: Runtime): void {
  const dlq = program.command("dlq").description("dead-letter queues: redrive, sources, unbind");

  dlq
    .command("redrive <queue>")
    .description("send a dead-letter queue's messages back to their source queues, with progress")
    .option("--rate <n>", "messages a second (1-1000; server default 100)", integer(1))
    .option("--no-wait", "start it and return, without watching its progress")
    .option("--poll <ms>", "how often the progress is read", integer(1), 500)
    .action((name: string, o: RedriveOptions, command: Command) =>
      rt.run(command, (ctx) => redrive(ctx, ctx.client().queue(name), o)),
    );

  dlq
    .command("sources <queue>")
    .description("the queues that dead-letter into this one")
    .action((name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const sources = await ctx
          .client()
          .queue(name)
          .deadLetterSources({ limit: 50, ...ctx.call });
        ctx.out.result(sources, () =>
          formatTable(sources.queues, [
            { header: "SOURCE QUEUE", value: (q) => q.queueName },
            { header: "ID", value: (q) => q.queueId },
          ]),
        );
      }),
    );

  dlq
    .command("unbind <queue>")
    .description("remove a queue's dead-letter policy")
    .action((name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().queue(name).unbindDeadLetterQueue(ctx.call);
        ctx.out.result(
          { queueName: name, deadLetterPolicy: null },
          () => `removed the dead-letter policy of ${name}`,
        );
      }),
    );
}
