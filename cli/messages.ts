/**
 * The message commands: `send` (arguments or standard input, one message a line), `receive`,
 * `delete-message`, `peek` and `tail`. Peek and tail only look (EdgePeekMessages): no receive
 * is counted, no visibility moves, nothing is traced, so they are safe on a live queue.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CmqError, type Message, type PeekedMessage, type Queue } from "cmq-edge/client";
import type { Command } from "commander";
import { UsageError } from "./failure";
import { batches, stdinLines } from "./lines";
import { integer } from "./options";
import { formatTable } from "./output";
import type { Context, Runtime } from "./runtime";
import { isoSeconds } from "./times";

/** CMQ's largest batch (BatchSendMessage, BatchReceiveMessage, EdgePeekMessages). */
const MAX_BATCH = 16;

/** A body on one line for people: as it is, or JSON-quoted when it spans lines. */
function oneLine(body: string): string {
  return /[\r\n]/.test(body) ? JSON.stringify(body) : body;
}

function peekedJson(m: PeekedMessage) {
  return {
    msgId: m.msgId,
    body: m.body,
    state: m.state,
    enqueueTime: m.enqueueTime,
    firstDequeueTime: m.firstDequeueTime,
    nextVisibleTime: m.nextVisibleTime,
    dequeueCount: m.dequeueCount,
  };
}

/**
 * The bodies to send or publish, in groups of 1–`size`: the arguments, or else standard input,
 * one message a line (the same for `send` and `topic publish`).
 */
function bodyGroups(ctx: Context, bodies: string[], size: number): AsyncIterable<string[]> {
  if (size < 1 || size > MAX_BATCH) throw new UsageError(`--batch is 1 to ${MAX_BATCH}`);
  if (bodies.length > 0) return chunks(bodies, size);
  if ((ctx.io.stdin as { isTTY?: boolean }).isTTY) {
    ctx.out.note("reading messages from standard input, one a line (Ctrl-D ends)");
  }
  return batches(stdinLines(ctx.io.stdin), size);
}

async function* chunks(items: string[], size: number) {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Sends (or publishes) the bodies in groups of `batch`, printing each message id as its request
 * is answered; the number sent. One request at a time, so messages keep the order of the input.
 */
export async function sendAll(
  ctx: Context,
  bodies: string[],
  batch: number,
  send: { one(body: string): Promise<string>; many(bodies: string[]): Promise<string[]> },
): Promise<number> {
  let sent = 0;
  for await (const group of bodyGroups(ctx, bodies, batch)) {
    const ids = batch === 1 ? [await send.one(group[0] as string)] : await send.many(group);
    for (const msgId of ids) ctx.out.item({ msgId }, msgId);
    sent += ids.length;
  }
  return sent;
}

async function send(ctx: Context, name: string, bodies: string[], o: SendOptions) {
  const queue = ctx.client().queue(name);
  const options = { delaySeconds: o.delay, ...ctx.call };
  const sent = await sendAll(ctx, bodies, o.batch, {
    one: (body) => queue.send(body, options),
    many: (group) => queue.sendBatch(group, options),
  });
  ctx.out.note(`sent ${plural(sent, "message")} to ${name}`);
}

export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

interface SendOptions {
  batch: number;
  delay: number;
}

interface ReceiveOptions {
  wait: number;
  max: number;
  delete?: boolean;
}

/** Up to `max` messages, waiting up to `wait` s for the first; then only what is there. */
async function receive(ctx: Context, queue: Queue, o: ReceiveOptions) {
  let received = 0;
  let wait = o.wait;
  while (received < o.max) {
    const asked = Math.min(MAX_BATCH, o.max - received);
    const options = { wait, ...ctx.call };
    const got: Message[] =
      o.max === 1
        ? [await queue.receive(options)].filter((m) => m !== undefined)
        : await queue.receiveBatch(asked, options);
    for (const m of got) {
      const json = {
        msgId: m.msgId,
        body: m.body,
        receiptHandle: m.receiptHandle,
        enqueueTime: m.enqueueTime,
        firstDequeueTime: m.firstDequeueTime,
        nextVisibleTime: m.nextVisibleTime,
        dequeueCount: m.dequeueCount,
        ...(o.delete ? { deleted: true } : {}),
      };
      const human = o.delete
        ? `${m.msgId}  ${oneLine(m.body)}`
        : `${m.msgId}  ${m.receiptHandle}  ${oneLine(m.body)}`;
      ctx.out.item(json, human);
    }
    // Deleted only once printed: a CLI stopped in between leaves them to come back.
    if (o.delete && got.length > 0)
      await deleteAll(
        queue,
        got.map((m) => m.receiptHandle),
        ctx,
      );
    received += got.length;
    if (got.length < asked) break;
    wait = 0;
  }
  if (received === 0)
    ctx.out.note(`no message in ${queue.name}${o.wait ? ` within ${o.wait} s` : ""}`);
}

async function deleteAll(queue: Queue, handles: string[], ctx: Context) {
  if (handles.length === 1) return queue.delete(handles[0] as string, ctx.call);
  const failed = await queue.deleteBatch(handles, ctx.call);
  const [first] = failed;
  if (first) {
    const which = `${failed.length} of ${handles.length} did not delete, the first ${first.receiptHandle}`;
    const transport = ctx.client().transport;
    throw new CmqError("BatchDeleteMessage", first.code, `${first.message} (${which})`, transport);
  }
}

/** Prints each message that shows up in a peek once, until Ctrl-C or `count` messages. */
async function tail(
  ctx: Context,
  queue: Queue,
  o: { interval: number; count?: number; inFlight?: boolean },
) {
  // Ids printed, oldest first; bounded, since a follow may run for days.
  const seen = new Set<string>();
  let printed = 0;
  ctx.out.note(`following ${queue.name} (Ctrl-C stops)`);
  try {
    while (!ctx.signal.aborted) {
      const peeked = await queue.peek(MAX_BATCH, { inFlight: o.inFlight, ...ctx.call });
      peeked.sort(
        (a, b) => a.enqueueTime - b.enqueueTime || (BigInt(a.msgId) < BigInt(b.msgId) ? -1 : 1),
      );
      for (const m of peeked) {
        if (seen.has(m.msgId)) continue;
        seen.add(m.msgId);
        if (seen.size > 10_000) seen.delete(seen.values().next().value as string);
        ctx.out.item(peekedJson(m), `${isoSeconds(m.enqueueTime)}  ${m.msgId}  ${oneLine(m.body)}`);
        if (o.count !== undefined && ++printed >= o.count) return;
      }
      await sleep(o.interval, undefined, ctx.call);
    }
  } catch (error) {
    // Ctrl-C is how a follow ends: not an error.
    if (!ctx.signal.aborted) throw error;
  }
}

export function registerMessages(program: Command, rt: Runtime): void {
  program
    .command("send <queue> [bodies...]")
    .description("send messages: the arguments, or else standard input, one message a line")
    .option("--batch <n>", `up to n (1-${MAX_BATCH}) messages per request`, integer(1), 1)
    .option("--delay <s>", "deliver after s seconds", integer(), 0)
    .action((name: string, bodies: string[], options: SendOptions, command: Command) =>
      rt.run(command, (ctx) => send(ctx, name, bodies, options)),
    );

  program
    .command("receive <queue>")
    .description("receive messages: up to --max, waiting up to --wait seconds for the first")
    .option("--wait <s>", "long-poll seconds (0-30)", integer(), 0)
    .option("--max <n>", "at most n messages", integer(1), 1)
    .option("--delete", "delete each message once printed")
    .action((name: string, options: ReceiveOptions, command: Command) =>
      rt.run(command, (ctx) => receive(ctx, ctx.client().queue(name), options)),
    );

  program
    .command("delete-message <queue> <receiptHandles...>")
    .description("delete received messages by receipt handle")
    .action((name: string, handles: string[], _options: unknown, command: Command) =>
      rt.run(command, async (ctx) => {
        await deleteAll(ctx.client().queue(name), handles, ctx);
        ctx.out.result(
          { queueName: name, deleted: handles.length },
          () => `deleted ${plural(handles.length, "message")}`,
        );
      }),
    );

  program
    .command("peek <queue>")
    .description("look at the messages a receive would take now, without taking them")
    .option("--max <n>", `at most n (1-${MAX_BATCH}) of each kind`, integer(1), MAX_BATCH)
    .option("--in-flight", "also the messages received and not yet deleted")
    .action((name: string, options: { max: number; inFlight?: boolean }, command: Command) =>
      rt.run(command, async (ctx) => {
        const peeked = await ctx
          .client()
          .queue(name)
          .peek(options.max, { inFlight: options.inFlight, ...ctx.call });
        if (ctx.out.json) {
          for (const m of peeked) ctx.out.item(peekedJson(m), "");
          return;
        }
        if (peeked.length === 0) return ctx.out.note(`no message to receive in ${name}`);
        ctx.out.result(peeked, () =>
          formatTable(peeked, [
            { header: "MSG ID", value: (m) => m.msgId },
            { header: "STATE", value: (m) => m.state },
            { header: "RECEIVES", value: (m) => m.dequeueCount, align: "right" },
            { header: "ENQUEUED", value: (m) => isoSeconds(m.enqueueTime) },
            { header: "BODY", value: (m) => oneLine(m.body) },
          ]),
        );
      }),
    );

  program
    .command("tail <queue>")
    .description(
      "follow a queue: print each message as it shows up at the head of the queue, without consuming it",
    )
    .option("--interval <ms>", "look every ms milliseconds", integer(1), 1000)
    .option("--count <n>", "stop after n messages", integer(1))
    .option("--in-flight", "also messages a consumer holds (received, not yet deleted)")
    .action(
      (
        name: string,
        options: { interval: number; count?: number; inFlight?: boolean },
        command: Command,
      ) => rt.run(command, (ctx) => tail(ctx, ctx.client().queue(name), options)),
    );
}
