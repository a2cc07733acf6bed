/**
 * One handler per command: parse (already done by the codec), check, forward, map the result to a
 * reply. Errors take their codes from the domain's error table, in their TCP form.
 */

import type { BridgeMessage } from "../../src/contract/bridge-results";
import { unixSeconds } from "../../src/contract/unix-seconds";
import { type CmqErrorData, toWire } from "../../src/domain/errors";
import { TRANSACTION_LIMITS } from "../../src/domain/limits";
import type { Outcome } from "../../src/domain/outcome";
import type { PulledMessage, TcpReply, TcpReplyBody } from "./codec/replies";
import type { TcpRequest, TcpRequestBody } from "./codec/requests";
import type { Forwarder } from "./forwarder";
import type { Producer, TransactionPoller } from "./transaction-poller";
import { bodiesAsText, checkRequest } from "./validate";

export function errorReply(error: CmqErrorData): TcpReplyBody {
  const wire = toWire(error, "tcp");
  return { kind: "error", result: wire.code, error: wire.message };
}

/** A confirm item that could not be applied is answered as state 3, "unknown" (cmq-api-tcp.md). */
const UNKNOWN_STATE = 3;

function pulled(m: BridgeMessage): PulledMessage {
  return {
    msgId: BigInt(m.msgId),
    receiptHandle: BigInt(m.receiptHandle),
    body: new TextEncoder().encode(m.body),
    enqueueTime: unixSeconds(m.enqueueTime),
    nextVisibleTime: unixSeconds(m.nextVisibleTime),
    firstDequeueTime: unixSeconds(m.firstDequeueTime),
    dequeueCount: m.dequeueCount,
    ...(m.deadLetter
      ? {
          deadLetter: {
            ...m.deadLetter,
            originalPubTime: unixSeconds(m.deadLetter.originalPubTime),
          },
        }
      : {}),
  };
}

function ids(outcome: Outcome<string[]>): TcpReplyBody {
  return outcome.ok
    ? { kind: "msgIds", ids: outcome.value.map(BigInt) }
    : errorReply(outcome.error);
}

/** What a request is answered with: who sent it, and the bridge's ways to the Worker. */
export interface RequestContext {
  producer: Producer;
  forwarder: Forwarder;
  transactions: TransactionPoller;
  /** Aborted when the client's connection closes. */
  signal: AbortSignal;
}

type Handler<K extends TcpRequestBody["kind"]> = (
  r: Extract<TcpRequest, { kind: K }>,
  ctx: RequestContext,
) => Promise<TcpReplyBody | undefined>;

/** Auth and heartbeats are the connection's own business (connection.ts). */
type Forwarded = Exclude<TcpRequestBody["kind"], "auth" | "heartbeat">;
type HandlerTable = { [K in Forwarded]: Handler<K> };

const HANDLERS: HandlerTable = {
  send: async (r, { producer, forwarder, transactions }) => {
    const bodies = bodiesAsText(r.bodies);
    if (!Array.isArray(bodies)) return errorReply(bodies);
    const transaction = r.transaction && {
      producer: transactions.producerId(producer),
      queryIntervalSeconds:
        r.transaction.firstQueryIntervalSeconds || TRANSACTION_LIMITS.queryIntervalSeconds.default,
    };
    const group = { bodies, delaySeconds: r.delaySeconds, transaction, client: producer.clientId };
    const outcome = await forwarder.send(producer.appId, r.queue, group);
    if (outcome.ok && transaction) transactions.watch(producer, r.queue);
    return ids(outcome);
  },

  publish: async (r, { producer: { appId }, forwarder }) => {
    const bodies = bodiesAsText(r.bodies);
    if (!Array.isArray(bodies)) return errorReply(bodies);
    return ids(
      await forwarder.publish(appId, r.topic, { bodies, tags: r.tags, routingKey: r.routingKey }),
    );
  },

  pull: async (r, { producer: { appId }, forwarder, signal }) => {
    const request = {
      max: r.max,
      waitSeconds: r.waitSeconds,
      visibilityTimeoutSeconds: r.visibilityTimeoutSeconds,
    };
    // What is there now comes in a call shared with other pulls; only an empty queue is
    // waited on (absent a wait, the queue's pollingWaitSeconds applies).
    let outcome = await forwarder.pullNow(appId, r.queue, request);
    if (outcome.ok && outcome.value.length === 0 && r.waitSeconds !== 0 && !signal.aborted) {
      outcome = await forwarder.receive(appId, r.queue, request, signal);
    }
    if (!outcome.ok) return errorReply(outcome.error);
    if (signal.aborted) {
      // The client is gone: what was taken for it goes back unread, its receive not counted.
      await forwarder.returnUnread(appId, r.queue, outcome.value);
      return undefined;
    }
    if (outcome.value.length === 0) return errorReply({ kind: "noMessage" });
    return { kind: "pulled", batch: r.batch, messages: outcome.value.map(pulled) };
  },

  delete: async (r, { producer: { appId }, forwarder }) => {
    const outcome = await forwarder.delete(appId, r.queue, r.handles.map(String));
    if (!outcome.ok) return errorReply(outcome.error);
    const results = outcome.value;
    if (!r.batch) {
      const [only] = results;
      if (only === undefined) return errorReply({ kind: "internal" });
      return only.ok ? { kind: "ok" } : errorReply(only.error);
    }
    const failures = results.flatMap((result, i) => {
      if (result.ok) return [];
      const wire = toWire(result.error, "tcp");
      return [{ receiptHandle: r.handles[i] ?? 0n, code: wire.code, message: wire.message }];
    });
    return { kind: "deleted", failures };
  },

  transactionConfirm: async (r, { producer: { appId }, forwarder }) => {
    const items = r.items.map((i) => ({ msgId: i.msgId.toString(), state: i.state }));
    const outcome = await forwarder.confirm(appId, r.queue, items);
    if (!outcome.ok) return errorReply(outcome.error);
    return {
      kind: "confirmed",
      queue: r.queue,
      items: outcome.value.map((result, i) => {
        const item = r.items[i] ?? { msgId: 0n, state: 0 };
        if (result.ok) return { msgId: item.msgId, state: item.state };
        const wire = toWire(result.error, "tcp");
        return {
          msgId: item.msgId,
          state: UNKNOWN_STATE,
          errCode: wire.code,
          errMsg: wire.message,
        };
      }),
    };
  },
};

/** Answers an authenticated request; undefined when the command wants no reply. */
export async function handle(
  r: Extract<TcpRequest, { kind: Forwarded }>,
  ctx: RequestContext,
): Promise<TcpReply | undefined> {
  const head = { seqno: r.seqno, cmd: r.cmd };
  const invalid = checkRequest(r);
  if (invalid) return { ...head, ...errorReply(invalid) };
  const handler = HANDLERS[r.kind] as Handler<typeof r.kind>;
  const body = await handler(r as never, ctx);
  return body && !r.oneway ? { ...head, ...body } : undefined;
}
