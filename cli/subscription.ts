/**
 * `cmq-edge subscription …`: a topic's subscriptions — create (to a queue or an HTTP endpoint),
 * list, get (with cmq-edge's delivery counters and last delivery error), set, clear-tags, delete.
 * @module
 */
import type { SubscriptionSettings } from "cmq-edge/client";
import type { Command } from "commander";
import { UsageError } from "./failure";
import { collect, type ListFlags, listAll, oneOf, withListFlags } from "./options";
import { formatFields, formatTable } from "./output";
import type { Runtime } from "./runtime";

interface SettingsOptions {
  filterTag?: string[];
  bindingKey?: string[];
  notifyStrategy?: SubscriptionSettings["notifyStrategy"];
  contentFormat?: SubscriptionSettings["notifyContentFormat"];
}

const STRATEGIES = {
  backoff: "BACKOFF_RETRY",
  exponential: "EXPONENTIAL_DECAY_RETRY",
} as const;
const FORMATS = { json: "JSON", simplified: "SIMPLIFIED" } as const;

function withSettings(command: Command): Command {
  return command
    .option("--filter-tag <tag>", "take only messages with this tag (repeatable)", collect)
    .option("--binding-key <key>", "take only matching routing keys (repeatable)", collect)
    .option(
      "--notify-strategy <s>",
      "retries of a failed push: backoff or exponential",
      oneOf(STRATEGIES),
    )
    .option(
      "--content-format <f>",
      "what an HTTP endpoint receives: json or simplified",
      oneOf(FORMATS),
    );
}

function settingsOf(o: SettingsOptions): SubscriptionSettings {
  return {
    ...(o.filterTag ? { filterTags: o.filterTag } : {}),
    ...(o.bindingKey ? { bindingKeys: o.bindingKey } : {}),
    ...(o.notifyStrategy ? { notifyStrategy: o.notifyStrategy } : {}),
    ...(o.contentFormat ? { notifyContentFormat: o.contentFormat } : {}),
  };
}

export function registerSubscription(program: Command, rt: Runtime): void {
  const subscription = program
    .command("subscription")
    .description("subscribe queues and HTTP endpoints to topics");

  withSettings(
    subscription
      .command("create <topic> <subscription>")
      .description("subscribe a queue (--queue) or an HTTP endpoint (--url) to a topic")
      .option("--queue <queue>", "deliver into this queue")
      .option("--url <url>", "push to this HTTP endpoint"),
  ).action(
    (
      topic: string,
      name: string,
      o: SettingsOptions & { queue?: string; url?: string },
      command: Command,
    ) =>
      rt.run(command, async (ctx) => {
        if (Boolean(o.queue) === Boolean(o.url))
          throw new UsageError("give one of --queue and --url");
        const target = o.queue
          ? { protocol: "queue" as const, endpoint: o.queue }
          : { protocol: "http" as const, endpoint: o.url as string };
        const subscriptionId = await ctx
          .client()
          .topic(topic)
          .subscribe(name, { ...target, ...settingsOf(o) }, ctx.call);
        ctx.out.result(
          { topicName: topic, subscriptionName: name, subscriptionId },
          () => `subscribed ${name} to ${topic} (${subscriptionId})`,
        );
      }),
  );

  withListFlags(
    subscription.command("list <topic>").description("a topic's subscriptions"),
    "subscriptions",
  ).action((topic: string, o: ListFlags, command: Command) =>
    rt.run(command, async (ctx) => {
      const { totalCount, items } = await listAll(o, ctx.signal, async (query) => {
        const page = await ctx.client().topic(topic).subscriptions(query);
        return { totalCount: page.totalCount, items: page.subscriptions };
      });
      ctx.out.result({ totalCount, subscriptions: items }, () =>
        formatTable(items, [
          { header: "SUBSCRIPTION", value: (s) => s.subscriptionName },
          { header: "PROTOCOL", value: (s) => s.protocol },
          { header: "ENDPOINT", value: (s) => s.endpoint },
          { header: "ID", value: (s) => s.subscriptionId },
        ]),
      );
    }),
  );

  subscription
    .command("get <topic> <subscription>")
    .description("a subscription's attributes and delivery counters")
    .action((topic: string, name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const attributes = await ctx.client().topic(topic).subscription(name).attributes(ctx.call);
        ctx.out.result(attributes, () => formatFields({ ...attributes }));
      }),
    );

  withSettings(
    subscription.command("set <topic> <subscription>").description("change a subscription"),
  ).action((topic: string, name: string, o: SettingsOptions, command: Command) =>
    rt.run(command, async (ctx) => {
      const settings = settingsOf(o);
      if (Object.keys(settings).length === 0) {
        throw new UsageError("nothing to set: give an option (--help lists them)");
      }
      await ctx.client().topic(topic).subscription(name).setAttributes(settings, ctx.call);
      ctx.out.result(
        { topicName: topic, subscriptionName: name, ...settings },
        () => `updated subscription ${name}`,
      );
    }),
  );

  subscription
    .command("clear-tags <topic> <subscription>")
    .description("remove a subscription's filter tags")
    .action((topic: string, name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().topic(topic).subscription(name).clearFilterTags(ctx.call);
        ctx.out.result(
          { topicName: topic, subscriptionName: name },
          () => `cleared the filter tags of ${name}`,
        );
      }),
    );

  subscription
    .command("delete <topic> <subscription>")
    .description("unsubscribe")
    .action((topic: string, name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().topic(topic).subscription(name).remove(ctx.call);
        ctx.out.result(
          { topicName: topic, subscriptionName: name, deleted: true },
          () => `unsubscribed ${name} from ${topic}`,
        );
      }),
    );
}
