/**
 * The contract between the TCP bridge and the Worker's internal route (`POST /internal/bridge`,
 * `authorization: Bearer <CMQ_BRIDGE_TOKEN>`): the calls, as zod schemas that are the single source
 * of their types. One request carries one call against one queue or topic object; calls are
 * batch-shaped so the bridge can coalesce many TCP frames into one object call. JSON; message ids
 * and receipt handles travel as decimal strings (uint64). The schemas check shapes, names and the
 * ranges the queue object relies on its callers for; body sizes, delays and tags are the domain's.
 * @module
 */
import { z } from "zod";
import {
  MAX_COALESCED_DELETE,
  MAX_COALESCED_RECEIVE,
  POLLING_WAIT_SECONDS,
  QUEUE_ATTRIBUTE_LIMITS,
  type Range,
  TRANSACTION_LIMITS,
} from "../domain/limits";
import { nameParam } from "./cmq-zod";

export const BRIDGE_ROUTE = "/internal/bridge";

const int = (range: Range) => z.number().int().min(range.min).max(range.max);
const appId = z.string().min(1);
const queue = nameParam("queue");
const bodies = z.array(z.string());
const waiter = z.string().min(1).max(64);

/** Checks a TCP client's CMQ_TCP_AUTH (cmq-api-tcp.md "The auth signature, exactly"). */
export const AuthCall = z.object({
  op: z.literal("auth"),
  secretId: z.string(),
  clientId: z.string(),
  signature: z.string(),
  signatureMethod: z.string(),
});

/** Each group is one TCP frame: stored whole or refused whole. */
export const SendCall = z.object({
  op: z.literal("send"),
  appId,
  queue,
  groups: z.array(
    z.object({
      bodies,
      delaySeconds: z.number().int(),
      /** A transaction (half) message: who to ask back, and how often. */
      transaction: z
        .object({
          producer: z.string().min(1),
          queryIntervalSeconds: int(TRANSACTION_LIMITS.queryIntervalSeconds),
        })
        .optional(),
      /** The TCP client that sent the frame, for the message trace. */
      client: z.string().max(256).optional(),
    }),
  ),
});

/** A pull, or pulls of one queue coalesced; `waiter` names it for `cancelReceive`. */
export const ReceiveCall = z.object({
  op: z.literal("receive"),
  appId,
  queue,
  // Several pull frames coalesced by the bridge (tcp-bridge/src/forwarder.ts).
  max: int({ min: 1, max: MAX_COALESCED_RECEIVE }),
  waitSeconds: int(POLLING_WAIT_SECONDS).optional(),
  visibilityTimeoutSeconds: int(QUEUE_ATTRIBUTE_LIMITS.visibilityTimeout).optional(),
  waiter: waiter.optional(),
});

/** Ends the receive named `waiter` (parked, or arriving later): its TCP client is gone. */
/**
 * A queue's consumers' step, fused by the bridge: delete what they acknowledged, then take up to
 * `max` messages there now (0: none), in one object call where there were two.
 */
export const ConsumeCall = z.object({
  op: z.literal("consume"),
  appId,
  queue,
  // Checked one by one later: a malformed handle fails only its own slot.
  handles: z.array(z.string()).max(MAX_COALESCED_DELETE),
  max: int({ min: 0, max: MAX_COALESCED_RECEIVE }),
  visibilityTimeoutSeconds: int(QUEUE_ATTRIBUTE_LIMITS.visibilityTimeout).optional(),
});

export const CancelReceiveCall = z.object({ op: z.literal("cancelReceive"), appId, queue, waiter });

/** What a pull took for a client whose connection closed first: back at once, uncounted. */
export const ReturnUnreadCall = z.object({
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

export const PublishCall = z.object({
  op: z.literal("publish"),
  appId,
  topic: nameParam("topic"),
  groups: z.array(
    z.object({ bodies, tags: z.array(z.string()), routingKey: z.string().optional() }),
  ),
});

/** A producer's commit (1) / rollback (2) decisions on its transaction messages. */
export const ConfirmCall = z.object({
  op: z.literal("confirm"),
  appId,
  queue,
  items: z
    .array(z.object({ msgId: z.string(), state: z.number().int() }))
    .max(TRANSACTION_LIMITS.maxItems),
});

/**
 * Which of a producer's transaction messages are due for a check-back: the Worker cannot reach a
 * producer's connection, so the bridge polls (README, transactions).
 */
export const TransactionQueriesCall = z.object({
  op: z.literal("transactionQueries"),
  appId,
  queue,
  producer: z.string().min(1),
  limit: int({ min: 1, max: 1000 }),
});

export const BridgeCall = z.discriminatedUnion("op", [
  AuthCall,
  SendCall,
  ReceiveCall,
  ConsumeCall,
  CancelReceiveCall,
  ReturnUnreadCall,
  DeleteCall,
  PublishCall,
  ConfirmCall,
  TransactionQueriesCall,
]);

export type AuthCall = z.infer<typeof AuthCall>;
export type SendCall = z.infer<typeof SendCall>;
export type ReceiveCall = z.infer<typeof ReceiveCall>;
export type ConsumeCall = z.infer<typeof ConsumeCall>;
export type CancelReceiveCall = z.infer<typeof CancelReceiveCall>;
export type ReturnUnreadCall = z.infer<typeof ReturnUnreadCall>;
export type DeleteCall = z.infer<typeof DeleteCall>;
export type PublishCall = z.infer<typeof PublishCall>;
export type ConfirmCall = z.infer<typeof ConfirmCall>;
export type TransactionQueriesCall = z.infer<typeof TransactionQueriesCall>;
export type BridgeCall = z.infer<typeof BridgeCall>;
