/**
 * The zod schema of a BridgeCall (bridge-protocol.ts). It checks shapes, names and the ranges the
 * queue object relies on its callers for; body sizes, delays and tags are the domain's checks.
 * @module
 */
import { z } from "zod";
import {
  MAX_COALESCED_RECEIVE,
  POLLING_WAIT_SECONDS,
  QUEUE_ATTRIBUTE_LIMITS,
  type Range,
  TRANSACTION_LIMITS,
} from "../../domain/limits";
import { nameParam } from "../param-schemas";
import type { BridgeCall } from "./bridge-protocol";

const int = (range: Range) => z.number().int().min(range.min).max(range.max);
const appId = z.string().min(1);
const queue = nameParam("queue");
const bodies = z.array(z.string());
const waiter = z.string().min(1).max(64);

const AuthCall = z.object({
  op: z.literal("auth"),
  secretId: z.string(),
  clientId: z.string(),
  signature: z.string(),
  signatureMethod: z.string(),
});

const SendCall = z.object({
  op: z.literal("send"),
  appId,
  queue,
  groups: z.array(
    z.object({
      bodies,
      delaySeconds: z.number().int(),
      transaction: z
        .object({
          producer: z.string().min(1),
          queryIntervalSeconds: int(TRANSACTION_LIMITS.queryIntervalSeconds),
        })
        .optional(),
      client: z.string().max(256).optional(),
    }),
  ),
});

const ReceiveCall = z.object({
  op: z.literal("receive"),
  appId,
  queue,
  // Several pull frames coalesced by the bridge (tcp-bridge/src/forwarder.ts).
  max: int({ min: 1, max: MAX_COALESCED_RECEIVE }),
  waitSeconds: int(POLLING_WAIT_SECONDS).optional(),
  visibilityTimeoutSeconds: int(QUEUE_ATTRIBUTE_LIMITS.visibilityTimeout).optional(),
  waiter: waiter.optional(),
});

const CancelReceiveCall = z.object({ op: z.literal("cancelReceive"), appId, queue, waiter });

const ReturnUnreadCall = z.object({
  op: z.literal("returnUnread"),
  appId,
  queue,
  // What one (coalesced) pull took; malformed handles are skipped like stale ones.
  handles: z.array(z.string()).max(MAX_COALESCED_RECEIVE),
});

const DeleteCall = z.object({
  op: z.literal("delete"),
  appId,
  queue,
  // Checked one by one later: a malformed handle fails only its own slot.
  handles: z.array(z.string()),
});

const PublishCall = z.object({
  op: z.literal("publish"),
  appId,
  topic: nameParam("topic"),
  groups: z.array(
    z.object({ bodies, tags: z.array(z.string()), routingKey: z.string().optional() }),
  ),
});

const ConfirmCall = z.object({
  op: z.literal("confirm"),
  appId,
  queue,
  items: z
    .array(z.object({ msgId: z.string(), state: z.number().int() }))
    .max(TRANSACTION_LIMITS.maxItems),
});

const TransactionQueriesCall = z.object({
  op: z.literal("transactionQueries"),
  appId,
  queue,
  producer: z.string().min(1),
  limit: int({ min: 1, max: 1000 }),
});

export const BridgeCallSchema: z.ZodType<BridgeCall> = z.discriminatedUnion("op", [
  AuthCall,
  SendCall,
  ReceiveCall,
  CancelReceiveCall,
  ReturnUnreadCall,
  DeleteCall,
  PublishCall,
  ConfirmCall,
  TransactionQueriesCall,
]);
