/**
 * A received message, with what its consumer can do to it: delete it when done, extend its
 * visibility while a slow job still needs it, release it at once when the job failed
 * (EdgeChangeMessageVisibility, cmq-edge's own). Its receipt handle stays the same throughout.
 * @module
 */
import type { ReceivedWire } from "./transport";

export interface CallOptions {
  signal?: AbortSignal;
}

/** What a message needs from its queue. */
export interface MessageOwner {
  readonly name: string;
  delete(receiptHandle: string, options?: CallOptions): Promise<void>;
  /** The new nextVisibleTime, Unix seconds. */
  changeVisibility(receiptHandle: string, seconds: number, options?: CallOptions): Promise<number>;
}

export class Message implements ReceivedWire {
  readonly msgId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly enqueueTime: number;
  readonly firstDequeueTime: number;
  /** Unix seconds; moved by extend() and release(). */
  nextVisibleTime: number;
  readonly dequeueCount: number;
  readonly deadLetter: ReceivedWire["deadLetter"];

  constructor(
    private readonly queue: MessageOwner,
    wire: ReceivedWire,
  ) {
    this.msgId = wire.msgId;
    this.receiptHandle = wire.receiptHandle;
    this.body = wire.body;
    this.enqueueTime = wire.enqueueTime;
    this.firstDequeueTime = wire.firstDequeueTime;
    this.nextVisibleTime = wire.nextVisibleTime;
    this.dequeueCount = wire.dequeueCount;
    this.deadLetter = wire.deadLetter;
  }

  /** Acknowledges the message: it is not delivered again. */
  delete(options?: CallOptions): Promise<void> {
    return this.queue.delete(this.receiptHandle, options);
  }

  /** Keeps the message for `seconds` more from now (1–43200); the new nextVisibleTime. */
  async extend(seconds: number, options?: CallOptions): Promise<number> {
    this.nextVisibleTime = await this.queue.changeVisibility(this.receiptHandle, seconds, options);
    return this.nextVisibleTime;
  }

  /** Hands the message back now, for the next receive (its receive still counts). */
  async release(options?: CallOptions): Promise<void> {
    this.nextVisibleTime = await this.queue.changeVisibility(this.receiptHandle, 0, options);
  }

  /** The body as JSON, for producers that send JSON text. */
  json<T = unknown>(): T {
    return JSON.parse(this.body) as T;
  }
}
