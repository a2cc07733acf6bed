/**
 * Broker discovery for the TCP SDK (cmq-api-tcp.md "Broker discovery"): where to open TCP
 * connections for a queue or topic. Every object is served by the same bridge address(es).
 * @module
 */
import { z } from "zod";
import { nameParam } from "../../contract/cmq-zod";
import { fail } from "../../domain/errors";
import { TCP_LIMITS } from "../../domain/limits";
import { type Action, action } from "../action";
import { queueObject, topicObject } from "../tenant";

const DEFAULT_ADDRESS = `127.0.0.1:${TCP_LIMITS.port}`;

/** CMQ_TCP_ADDRESSES: comma-separated `host:port`; unset or blank means the local bridge. */
function tcpAddresses(env: { CMQ_TCP_ADDRESSES?: string }): string[] {
  const list = (env.CMQ_TCP_ADDRESSES ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  return list.length > 0 ? list : [DEFAULT_ADDRESS];
}

const QueryQueueRoute = action(z.object({ queueName: nameParam("queue") }), async (ctx, input) => {
  if (!(await queueObject(ctx, input.queueName).exists())) {
    fail({ kind: "queueNotFound", queue: input.queueName });
  }
  return { addr: tcpAddresses(ctx.env) };
});

const QueryTopicRoute = action(z.object({ topicName: nameParam("topic") }), async (ctx, input) => {
  if (!(await topicObject(ctx, input.topicName).exists())) {
    fail({ kind: "topicNotFound", topic: input.topicName });
  }
  return { addr: tcpAddresses(ctx.env) };
});

export const ROUTE_ACTIONS = { QueryQueueRoute, QueryTopicRoute } satisfies Record<string, Action>;
