/**
 * `cmq-edge stats`: one table of the account's queues — depth (active), in flight, delayed,
 * dead-lettered, long polls waiting, and send / receive / delete rates — from
 * EdgeListQueueMetrics, which answers each queue from its stored counters, never a scan.
 * @module
 */
import { type CmqClient, CmqHttpError, type EdgeQueueMetrics, type Params } from "cmq-edge/client";
import type { Command } from "commander";
import { UsageError } from "./failure";
import { allPages, integer } from "./options";
import { formatTable } from "./output";
import { formatRate, ratesOf } from "./rates";
import type { Runtime } from "./runtime";

/** An action through the client's `call`, its reply, or CmqHttpError unless its code is 0. */
export async function okCall(
  client: CmqClient,
  action: string,
  params: Params,
  options: { signal?: AbortSignal },
) {
  const reply = await client.call(action, params, options);
  if (reply.code !== 0) throw new CmqHttpError(action, reply);
  return reply;
}

export function registerStats(program: Command, rt: Runtime): void {
  program
    .command("stats")
    .description("a table of the queues: depth, in flight, delayed, dead-letter, rates")
    .option("--search <word>", "only queues whose name contains word")
    .option("--window <minutes>", "rates over the last minutes (1-60)", integer(1), 5)
    .action((options: { search?: string; window: number }, command: Command) =>
      rt.run(command, async (ctx) => {
        if (options.window > 60)
          throw new UsageError("--window is 1 to 60 minutes: queues keep one hour");
        const client = ctx.client();
        const { items } = await allPages(async (offset, limit) => {
          const params: Params = {
            offset,
            limit,
            ...(options.search ? { searchWord: options.search } : {}),
          };
          const reply = await okCall(client, "EdgeListQueueMetrics", params, ctx.call);
          return { totalCount: reply.totalCount, items: reply.queueList as EdgeQueueMetrics[] };
        });
        const now = Date.now();
        const rows = items.map((q) => {
          const rates = ratesOf(q.history, options.window, now);
          return {
            queueName: q.queueName,
            activeMsgNum: q.activeMsgNum,
            inactiveMsgNum: q.inactiveMsgNum,
            delayMsgNum: q.delayMsgNum,
            deadLetterMsgNum: q.deadLetterMsgNum,
            waitingReceiverNum: q.waitingReceiverNum,
            sentPerSecond: rates.sent,
            receivedPerSecond: rates.received,
            deletedPerSecond: rates.deleted,
          };
        });
        ctx.out.result({ windowMinutes: options.window, queues: rows }, () =>
          rows.length === 0
            ? "no queues"
            : formatTable(rows, [
                { header: "QUEUE", value: (r) => r.queueName },
                { header: "ACTIVE", value: (r) => r.activeMsgNum, align: "right" },
                { header: "IN FLIGHT", value: (r) => r.inactiveMsgNum, align: "right" },
                { header: "DELAYED", value: (r) => r.delayMsgNum, align: "right" },
                { header: "DEAD-LETTER", value: (r) => r.deadLetterMsgNum, align: "right" },
                { header: "WAITING", value: (r) => r.waitingReceiverNum, align: "right" },
                { header: "SENT/S", value: (r) => formatRate(r.sentPerSecond), align: "right" },
                {
                  header: "RECEIVED/S",
                  value: (r) => formatRate(r.receivedPerSecond),
                  align: "right",
                },
                {
                  header: "DELETED/S",
                  value: (r) => formatRate(r.deletedPerSecond),
                  align: "right",
                },
              ]),
        );
      }),
    );
}
