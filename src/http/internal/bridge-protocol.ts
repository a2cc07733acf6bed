/**
 * The contract between the TCP bridge and the Worker's internal route (`POST /internal/bridge`,
 * `authorization: Bearer <CMQ_BRIDGE_TOKEN>`). One request carries one call against one queue or
 * topic object; calls are batch-shaped so the bridge can coalesce many TCP frames into one object
 * call. JSON; message ids and receipt handles travel as decimal strings (uint64).
 * @module
 */
import type { CmqErrorData } from "../../domain/errors";

/** A result as data: `error` is a domain error the caller maps with the error table. */
export type BridgeOutcome<T> = { ok: true; value: T } | { ok: false; error: CmqErrorData };

/** Checks a TCP client's CMQ_TCP_AUTH (cmq-api-tcp.md "The auth signature, exactly"). */
export interface AuthCall {
  op: "auth";
  secretId: string;
  clientId: string;
  signature: string;
  signatureMethod: string;
}

export interface SendCall {
  op: "send";
  appId: string;
  queue: string;
  /** Each group is one TCP frame: stored whole or refused whole. */
  groups: {
    bodies: string[];
    delaySeconds: number;
    /** A transaction (half) message: who to ask back, and how often. */
    transaction?: { producer: string; queryIntervalSeconds: number };
    /** The TCP client that sent the frame, for the message trace. */
    client?: string;
  }[];
}

export interface ReceiveCall {
  op: "receive";
  appId: string;
  queue: string;
  max: number;
  waitSeconds?: number;
  visibilityTimeoutSeconds?: number;
  /** Names the receive, so `cancelReceive` can end it when the TCP client goes away. */
  waiter?: string;
}

/** Ends the receive named `waiter` (parked, or arriving later): its TCP client is gone. */
export interface CancelReceiveCall {
  op: "cancelReceive";
  appId: string;
  queue: string;
  waiter: string;
}

/**
 * Messages a pull took for a TCP client whose connection closed before the reply could be written:
 * they go back at once, their receive not counted.
 */
export interface ReturnUnreadCall {
  op: "returnUnread";
  appId: string;
  queue: string;
  handles: string[];
}

export interface DeleteCall {
  op: "delete";
  appId: string;
  queue: string;
  handles: string[];
}

export interface PublishCall {
  op: "publish";
  appId: string;
  topic: string;
  groups: { bodies: string[]; tags: string[]; routingKey?: string }[];
}

/** A producer's commit (1) / rollback (2) decisions on its transaction messages. */
export interface ConfirmCall {
  op: "confirm";
  appId: string;
  queue: string;
  items: { msgId: string; state: number }[];
}

/**
 * The bridge asking which of its producers' transaction messages are due for a check-back: the
 * Worker cannot reach a producer's connection, so the bridge polls (README, transactions).
 */
export interface TransactionQueriesCall {
  op: "transactionQueries";
  appId: string;
  queue: string;
  producer: string;
  limit: number;
}

export type BridgeCall =
  | AuthCall
  | SendCall
  | ReceiveCall
  | CancelReceiveCall
  | ReturnUnreadCall
  | DeleteCall
  | PublishCall
  | ConfirmCall
  | TransactionQueriesCall;

export interface BridgeMessage {
  msgId: string;
  receiptHandle: string;
  body: string;
  /** Unix milliseconds. */
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
  /** Set on a message a source queue dead-lettered (original pub time in Unix ms). */
  deadLetter?: { originalQueue: string; originalPubTime: number; originalDequeueCount: number };
}

/** What each call answers (the HTTP body is `BridgeOutcome<BridgeResult[op]>`). */
export interface BridgeResult {
  auth: { appId: string };
  /** One outcome per group: the group's message ids. */
  send: BridgeOutcome<string[]>[];
  /** An empty list when nothing arrived within the wait. */
  receive: BridgeMessage[];
  cancelReceive: null;
  returnUnread: null;
  /** One outcome per handle. */
  delete: BridgeOutcome<null>[];
  publish: BridgeOutcome<string[]>[];
  /** One outcome per item. */
  confirm: BridgeOutcome<null>[];
  /** Message ids to ask the producer about now, and how many it still has pending. */
  transactionQueries: { msgIds: string[]; pending: number };
}

export const BRIDGE_ROUTE = "/internal/bridge";
