/**
 * `cmq-edge queue …`: CMQ's queue management — create, list, get, set, delete, rewind — and the
 * purge (API 3.0's ClearCmqQueue, the one management call API 2.0 lacks).
 * @module
 */
import type { QueueSettings } from "cmq-edge/client";
import type { Command } from "commander";
import { UsageError } from "./failure";
import { integer, type ListFlags, listAll, withListFlags } from "./options";
import { formatFields, formatTable } from "./output";
import type { Runtime } from "./runtime";
import { isoSeconds, parseTime } from "./times";

/** The attribute flags: QueueSettings' numbers as they are, trace and dead-lettering spelt out. */
type SettingsOptions = Omit<QueueSettings, "trace" | "deadLetterPolicy"> & {
  trace?: boolean;
  deadLetterQueue?: string;
  maxReceiveCount?: number;
  maxTimeToLive?: number;
};

function withSettings(command: Command, creating: boolean): Command {
  command
    .option("--max-msg-heap-num <n>", "most messages the queue holds", integer(1))
    .option("--polling-wait-seconds <s>", "default long-poll wait of a receive", integer())
    .option("--visibility-timeout <s>", "how long a received message stays hidden", integer())
    .option("--max-msg-size <bytes>", "largest message body", integer(1))
    .option("--msg-retention-seconds <s>", "how long a message is kept", integer(1))
    .option("--rewind-seconds <s>", "how long deleted messages are kept for rewind", integer())
    .option("--trace", "record each message's lifecycle (`cmq-edge trace`)")
    .option("--no-trace", "stop recording it");
  if (creating) {
    command.option(
      "--shards <n>",
      "spread the queue over n objects (fixed at creation)",
      integer(1),
    );
  }
  return command
    .option("--dead-letter-queue <queue>", "where messages go that are not consumed in time")
    .option("--max-receive-count <n>", "dead-letter after n receives", integer(1))
    .option("--max-time-to-live <s>", "dead-letter after s seconds in the queue", integer(1));
}

function settingsOf(o: SettingsOptions): QueueSettings {
  const settings: QueueSettings = {
    maxMsgHeapNum: o.maxMsgHeapNum,
    pollingWaitSeconds: o.pollingWaitSeconds,
    visibilityTimeout: o.visibilityTimeout,
    maxMsgSize: o.maxMsgSize,
    msgRetentionSeconds: o.msgRetentionSeconds,
    rewindSeconds: o.rewindSeconds,
    trace: o.trace === undefined ? undefined : o.trace ? 1 : 0,
    shards: o.shards,
  };
  if (o.deadLetterQueue) {
    settings.deadLetterPolicy = {
      deadLetterQueue: o.deadLetterQueue,
      // CMQ's policy 1 dead-letters by age alone; 0 by receives (with an age limit too if given).
      policy: o.maxTimeToLive !== undefined && o.maxReceiveCount === undefined ? 1 : 0,
      maxReceiveCount: o.maxReceiveCount,
      maxTimeToLive: o.maxTimeToLive,
    };
  } else if (o.maxReceiveCount !== undefined || o.maxTimeToLive !== undefined) {
    throw new UsageError("--max-receive-count and --max-time-to-live need --dead-letter-queue");
  }
  return Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as QueueSettings;
}

export function registerQueue(program: Command, rt: Runtime): void {
  const queue = program.command("queue").description("create, inspect, change and remove queues");

  withSettings(queue.command("create <queue>").description("create a queue"), true).action(
    (name: string, options: SettingsOptions, command: Command) =>
      rt.run(command, async (ctx) => {
        const queueId = await ctx.client().queue(name).create(settingsOf(options), ctx.call);
        ctx.out.result({ queueName: name, queueId }, () => `created queue ${name} (${queueId})`);
      }),
  );

  withListFlags(queue.command("list").description("the account's queues"), "queues").action(
    (options: ListFlags, command: Command) =>
      rt.run(command, async (ctx) => {
        const { totalCount, items } = await listAll(options, ctx.signal, async (query) => {
          const page = await ctx.client().listQueues(query);
          return { totalCount: page.totalCount, items: page.queues };
        });
        ctx.out.result(
          { totalCount, queues: items.map((q) => ({ queueName: q.name, queueId: q.id })) },
          () =>
            formatTable(items, [
              { header: "QUEUE", value: (q) => q.name },
              { header: "ID", value: (q) => q.id },
            ]),
        );
      }),
  );

  queue
    .command("get <queue>")
    .description("a queue's attributes and depth")
    .action((name: string, _options: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const attributes = await ctx.client().queue(name).attributes(ctx.call);
        ctx.out.result(attributes, () => formatFields({ ...attributes }));
      }),
    );

  withSettings(
    queue.command("set <queue>").description("change a queue's attributes"),
    false,
  ).action((name: string, options: SettingsOptions, command: Command) =>
    rt.run(command, async (ctx) => {
      const settings = settingsOf(options);
      if (Object.keys(settings).length === 0)
        throw new UsageError("nothing to set: give an attribute option (--help lists them)");
      await ctx.client().queue(name).setAttributes(settings, ctx.call);
      ctx.out.result({ queueName: name, ...settings }, () => `updated queue ${name}`);
    }),
  );

  queue
    .command("delete <queue>")
    .description("delete a queue and every message in it")
    .action((name: string, _options: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().queue(name).remove(ctx.call);
        ctx.out.result({ queueName: name, deleted: true }, () => `deleted queue ${name}`);
      }),
    );

  queue
    .command("purge <queue>")
    .description("remove every message the queue holds now (messages sent meanwhile stay)")
    .action((name: string, _options: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().queue(name).purge(ctx.call);
        ctx.out.result({ queueName: name, purged: true }, () => `purged queue ${name}`);
      }),
    );

  queue
    .command("rewind <queue> <since>")
    .description(
      "make messages deleted since <since> receivable again: Unix seconds, ISO 8601, or a duration ago (15m, 2h, 1d)",
    )
    .action((name: string, since: string, _options: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const startConsumeTime = parseTime(since, Date.now());
        await ctx.client().queue(name).rewind(startConsumeTime, ctx.call);
        ctx.out.result(
          { queueName: name, startConsumeTime },
          () => `rewound queue ${name} to ${isoSeconds(startConsumeTime)}`,
        );
      }),
    );
}
