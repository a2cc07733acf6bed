/**
 * What cmq-edge's metrics actions answer (EdgeGetQueueMetrics; each entry of EdgeListQueueMetrics'
 * `queueList`): the Worker builds it, and the CLI's `stats` and the web console read it through
 * cmq-edge/client/http.
 * Object types rather than interfaces, so a reply of this shape is a plain record of fields.
 * @module
 */
import type { QueueTotals } from "../domain/queue/metrics";

/** One minute of a queue's last hour; `time` is the minute's start in Unix seconds. */
export type EdgeMinute = {
  time: number;
  depth: number;
  sent: number;
  received: number;
  deleted: number;
};

export type EdgeQueueMetrics = {
  queueName: string;
  queueId: string;
  activeMsgNum: number;
  inactiveMsgNum: number;
  delayMsgNum: number;
  deadLetterMsgNum: number;
  rewindMsgNum: number;
  transactionMsgNum: number;
  waitingReceiverNum: number;
  /** Unix seconds of the oldest live message, 0 when none. */
  minMsgTime: number;
  totals: QueueTotals;
  /** Oldest first, the current unfinished minute last. */
  history: EdgeMinute[];
};

export type { QueueTotals };
