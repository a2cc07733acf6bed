/**
 * The small client interface the conformance suite is written against: the queue operations CMQ
 * offers on both of its transports. Each runner adapts one real client to it; every reply with a
 * non-zero code becomes a WireError, so the suite compares codes the way SDK users see them.
 */
import type { CmqHttpClient } from "cmq-edge/client";

export class WireError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

export interface Received {
  msgId: string;
  receiptHandle: string;
  /** UTF-8 text, as both transports carry it. */
  body: string;
  dequeueCount: number;
  /** Unix seconds. */
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
}

export interface ReceiveOptions {
  waitSeconds: number;
  /** This receive's own visibility timeout, where the transport has one. */
  visibilityTimeoutSeconds?: number;
}

export interface QueueClient {
  send(queue: string, body: string, delaySeconds?: number): Promise<string>;
  batchSend(queue: string, bodies: string[], delaySeconds?: number): Promise<string[]>;
  receive(queue: string, options: ReceiveOptions): Promise<Received>;
  batchReceive(queue: string, max: number, options: ReceiveOptions): Promise<Received[]>;
  delete(queue: string, receiptHandle: string): Promise<void>;
  /** The handles that could not be deleted, each with its code. */
  batchDelete(
    queue: string,
    receiptHandles: string[],
  ): Promise<{ receiptHandle: string; code: number }[]>;
}

/** What a runner hands the suite: its client, plus HTTP for what only HTTP can do. */
export interface Harness {
  transport: "http" | "tcp";
  client: QueueClient;
  /** Queue management and probes (CreateQueue, GetQueueAttributes): CMQ has them on HTTP only. */
  admin: CmqHttpClient;
  /** A queue name no other test uses. */
  name(prefix?: string): string;
}
