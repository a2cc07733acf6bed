/**
 * What each bridge call (bridge-calls.ts) answers: the HTTP body is `Outcome<BridgeResult[op]>`,
 * the domain's own result type, so a failure carries a domain error the bridge maps with the one
 * error table. Received messages are the domain's ReceivedMessage in wire form: 64-bit ids and
 * handles as decimal strings, so nothing is lost in JSON.
 * @module
 */
import type { Outcome } from "../domain/outcome";
import type { ReceivedMessage } from "../domain/queue/receive";

/** `T` with its bigint fields as decimal strings. */
export type Wire<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

/** A received message as the bridge gets it. */
export type BridgeMessage = Wire<ReceivedMessage>;

export interface BridgeResult {
  auth: { appId: string };
  /** One outcome per group: the group's message ids. */
  send: Outcome<string[]>[];
  /** An empty list when nothing arrived within the wait. */
  receive: BridgeMessage[];
  /** One outcome per handle, and the messages taken after the deletes. */
  consume: { deleted: Outcome<null>[]; messages: BridgeMessage[] };
  cancelReceive: null;
  returnUnread: null;
  /** One outcome per handle. */
  delete: Outcome<null>[];
  publish: Outcome<string[]>[];
  /** One outcome per item. */
  confirm: Outcome<null>[];
  /** Message ids to ask the producer about now, and how many it still has pending. */
  transactionQueries: { msgIds: string[]; pending: number };
}
