/**
 * cmq-edge's own metrics actions, what `stats` and the console's live view and charts read:
 * EdgeGetQueueMetrics (one queue) and EdgeListQueueMetrics (a page of the tenant's queues, with
 * ListQueue's paging). Each queue answers from its stored totals and its 60-row minute ring
 * (src/domain/queue/metrics.ts), never from a scan of its messages.
 * @module
 */
import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import type { EdgeQueueMetrics } from "../../contract/edge-metrics";
import { unixSeconds } from "../../contract/unix-seconds";
import { LIST_LIMIT, MAX_QUEUES_PER_TENANT } from "../../domain/limits";
import { unwrap } from "../../domain/outcome";
import type { QueueMetrics } from "../../domain/queue/metrics";
import { type Action, action } from "../action";
import { pageQuery, pagingParams } from "../param-schemas";
import { catalogObject, queueObject, type Tenant } from "../tenant";

/** A queue's depth, totals and last hour (minutes oldest first, the current one last). */
function metricsFields(m: QueueMetrics): EdgeQueueMetrics {
  const v = m.view;
  return {
    queueName: v.name,
    queueId: v.queueId,
    activeMsgNum: v.activeMsgNum,
    inactiveMsgNum: v.inactiveMsgNum,
    delayMsgNum: v.delayMsgNum,
    deadLetterMsgNum: m.deadLetterMsgNum,
    rewindMsgNum: v.rewindMsgNum,
    transactionMsgNum: v.transactionMsgNum,
    waitingReceiverNum: v.waitingReceiverNum,
    minMsgTime: unixSeconds(v.minMsgTime),
    totals: m.totals,
    history: (m.history ?? []).map((h) => ({
      time: unixSeconds(h.minute),
      depth: h.depth,
      sent: h.sent,
      received: h.received,
      deleted: h.deleted,
    })),
  };
}

function queueMetrics(ctx: Tenant, queue: string) {
  return queueObject(ctx, queue).metrics({ queue }, true);
}

const EdgeGetQueueMetrics = action(
  z.object({ queueName: nameParam("queue") }),
  async (ctx, input) => metricsFields(unwrap(await queueMetrics(ctx, input.queueName))),
);

const EdgeListQueueMetrics = action(
  z.object({ ...pagingParams({ min: 0, max: MAX_QUEUES_PER_TENANT }, LIST_LIMIT) }),
  async (ctx, input) => {
    const page = unwrap(await catalogObject(ctx).list("queue", pageQuery(input)));
    // A page is at most LIST_LIMIT.max queues: one call each, all at once.
    const answers = await Promise.all(page.entries.map((e) => queueMetrics(ctx, e.name)));
    const queueList = answers.flatMap((answer) => {
      // Deleted since the page was read: it is not a queue of the tenant any more.
      if (!answer.ok && answer.error.kind === "queueNotFound") return [];
      return [metricsFields(unwrap(answer))];
    });
    return { totalCount: page.total, queueList };
  },
);

export const METRICS_ACTIONS = {
  EdgeGetQueueMetrics,
  EdgeListQueueMetrics,
} satisfies Record<string, Action>;
