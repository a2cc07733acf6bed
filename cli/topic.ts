/**
 * `cmq-edge topic …`: topics — create, list, get, set, delete — and publishing to one, from the
 * arguments or standard input as `send` does, with tags or a routing key.
 * @module
 */
import type { Command } from "commander";
import { plural, sendAll } from "./messages";
import { collect, integer, type ListFlags, listAll, oneOf, withListFlags } from "./options";
import { formatFields, formatTable } from "./output";
import type { Runtime } from "./runtime";

export function registerTopic(program: Command, rt: Runtime): void {
  const topic = program.command("topic").description("create, inspect and remove topics; publish");

  topic
    .command("create <topic>")
    .description("create a topic")
    .option(
      "--filter-type <type>",
      "tag (filter by tags) or routing (by routing key); fixed",
      oneOf({ tag: 1 as const, routing: 2 as const }),
    )
    .option("--max-msg-size <bytes>", "largest message body", integer(1))
    .action((name: string, o: { filterType?: 1 | 2; maxMsgSize?: number }, command: Command) =>
      rt.run(command, async (ctx) => {
        const settings = {
          ...(o.filterType ? { filterType: o.filterType } : {}),
          ...(o.maxMsgSize ? { maxMsgSize: o.maxMsgSize } : {}),
        };
        const topicId = await ctx.client().topic(name).create(settings, ctx.call);
        ctx.out.result({ topicName: name, topicId }, () => `created topic ${name} (${topicId})`);
      }),
    );

  withListFlags(topic.command("list").description("the account's topics"), "topics").action(
    (o: ListFlags, command: Command) =>
      rt.run(command, async (ctx) => {
        const { totalCount, items } = await listAll(o, ctx.signal, async (query) => {
          const page = await ctx.client().listTopics(query);
          return { totalCount: page.totalCount, items: page.topics };
        });
        const topics = items.map((t) => ({ topicName: t.name, topicId: t.id }));
        ctx.out.result({ totalCount, topics }, () =>
          formatTable(items, [
            { header: "TOPIC", value: (t) => t.name },
            { header: "ID", value: (t) => t.id },
          ]),
        );
      }),
  );

  topic
    .command("get <topic>")
    .description("a topic's attributes")
    .action((name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        const attributes = await ctx.client().topic(name).attributes(ctx.call);
        ctx.out.result(attributes, () => formatFields({ ...attributes }));
      }),
    );

  topic
    .command("set <topic>")
    .description("change a topic's attributes")
    .requiredOption("--max-msg-size <bytes>", "largest message body", integer(1))
    .action((name: string, o: { maxMsgSize: number }, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().topic(name).setAttributes({ maxMsgSize: o.maxMsgSize }, ctx.call);
        ctx.out.result(
          { topicName: name, maxMsgSize: o.maxMsgSize },
          () => `updated topic ${name}`,
        );
      }),
    );

  topic
    .command("delete <topic>")
    .description("delete a topic (refused while it has subscriptions)")
    .action((name: string, _o: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await ctx.client().topic(name).remove(ctx.call);
        ctx.out.result({ topicName: name, deleted: true }, () => `deleted topic ${name}`);
      }),
    );

  topic
    .command("publish <topic> [bodies...]")
    .description("publish messages: the arguments, or else standard input, one message a line")
    .option("--tag <tag>", "a filter tag (repeatable, up to 5)", collect)
    .option("--routing-key <key>", "the routing key, on a routing topic")
    .option("--batch <n>", "up to n (1-16) messages per request", integer(1), 1)
    .action(
      (
        name: string,
        bodies: string[],
        o: { tag?: string[]; routingKey?: string; batch: number },
        command: Command,
      ) =>
        rt.run(command, async (ctx) => {
          const handle = ctx.client().topic(name);
          const options = { tags: o.tag ?? [], routingKey: o.routingKey, ...ctx.call };
          const published = await sendAll(ctx, bodies, o.batch, {
            one: (body) => handle.publish(body, options),
            many: (group) => handle.publishBatch(group, options),
          });
          ctx.out.note(`published ${plural(published, "message")} to ${name}`);
        }),
    );
}
