/**
 * One handler per command: parse (already done by the codec), check, forward, map the result to a
 * reply. Errors take their codes from the domain's error table, in their TCP form.
 */
import { type CmqErrorData, toWire } from "../../src/domain/errors";
import type { BridgeMessage, BridgeOutcome } from "../../src/http/internal/bridge-protocol";
import type { PulledMessage, TcpReply, TcpReplyBody } from "./codec/replies";
import type { TcpRequest, TcpRequestBody } from "./codec/requests";
import type { Forwarder } from "./forwarder";
import { bodiesAsText, checkRequest } from "./validate";

export function errorReply(error: CmqErrorData): TcpReplyBody {
  const wire = toWire(error, "tcp");
  return { kind: "error", result: wire.code, error: wire.message };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function pulled(m: BridgeMessage): PulledMessage {
  return {
    msgId: BigInt(m.msgId),
    receiptHandle: BigInt(m.receiptHandle),
    body: new TextEncoder().encode(m.body),
    enqueueTime: seconds(m.enqueueTime),
    nextVisibleTime: seconds(m.nextVisibleTime),
    firstDequeueTime: seconds(m.firstDequeueTime),
    dequeueCount: m.dequeueCount,
    ...(m.deadLetter
      ? { deadLetter: { ...m.deadLetter, originalPubTime: seconds(m.deadLetter.originalPubTime) } }
      : {}),
  };
}

function ids(outcome: BridgeOutcome<string[]>): TcpReplyBody {
  return outcome.ok
    ? { kind: "msgIds", ids: outcome.value.map(BigInt) }
    : errorReply(outcome.error);
}

type Handler<K extends TcpRequestBody["kind"]> = (
  r: Extract<TcpRequest, { kind: K }>,
  appId: string,
  forwarder: Forwarder,
  signal: AbortSignal,
) => Promise<TcpReplyBody | undefined>;

/** Auth and heartbeats are the connection's own business (connection.ts). */
type Forwarded = Exclude<TcpRequestBody["kind"], "auth" | "heartbeat">;
type HandlerTable = { [K in Forwarded]: Handler<K> };

const HANDLERS: HandlerTable = {
  send: async (r, appId, forwarder) => {
    // Half messages arrive with the transaction messages (issue 6); until then CMQ's own refusal.
    if (r.transaction) return errorReply({ kind: "transactionNotSupported" });
    const bodies = bodiesAsText(r.bodies);
    if (!Array.isArray(bodies)) return errorReply(bodies);
    return ids(await forwarder.send(appId, r.queue, { bodies, delaySeconds: r.delaySeconds }));
  },

  publish: async (r, appId, forwarder) => {
    const bodies = bodiesAsText(r.bodies);
    if (!Array.isArray(bodies)) return errorReply(bodies);
    return ids(
      await forwarder.publish(appId, r.topic, { bodies, tags: r.tags, routingKey: r.routingKey }),
    );
  },

  pull: async (r, appId, forwarder, signal) => {
    const request = {
      max: r.max,
      waitSeconds: r.waitSeconds,
      visibilityTimeoutSeconds: r.visibilityTimeoutSeconds,
    };
    const outcome = await forwarder.receive(appId, r.queue, request, signal);
    if (!outcome.ok) return errorReply(outcome.error);
    if (outcome.value.length === 0) return errorReply({ kind: "noMessage" });
    return { kind: "pulled", batch: r.batch, messages: outcome.value.map(pulled) };
  },

  delete: async (r, appId, forwarder) => {
    const results = await forwarder.delete(appId, r.queue, r.handles.map(String));
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

  transactionConfirm: async () => errorReply({ kind: "transactionNotSupported" }),
};

/** Answers an authenticated request; undefined when the command wants no reply. */
export async function handle(
  r: Extract<TcpRequest, { kind: Forwarded }>,
  appId: string,
  forwarder: Forwarder,
  signal: AbortSignal,
): Promise<TcpReply | undefined> {
  const head = { seqno: r.seqno, cmd: r.cmd };
  const invalid = checkRequest(r);
  if (invalid) return { ...head, ...errorReply(invalid) };
  const handler = HANDLERS[r.kind] as Handler<typeof r.kind>;
  const body = await handler(r as never, appId, forwarder, signal);
  return body && !r.oneway ? { ...head, ...body } : undefined;
}
