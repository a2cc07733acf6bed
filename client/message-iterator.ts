/**
 * Consuming a queue as an async iterator: `for await (const m of queue.messages({ wait: 10 }))`.
 * It long-polls, yields each message, and with `deleteOnSuccess` deletes it once the loop body
 * has returned for it (the next turn of the loop asks for the next message). It ends when the
 * signal aborts, or — with `wait: 0` — when the queue has nothing left.
 *
 * A `break` or a throw ends the loop the same way (JavaScript tells the iterator nothing more),
 * so the message of that turn is not deleted: call `m.delete()` before breaking if it is done.
 * Messages received in a batch and not yet yielded are released at once, where the client can
 * change visibility (HTTP), rather than left hidden for their visibility timeout.
 * @module
 */
import type { Message } from "./message";

export interface MessagesOptions {
  /** Long-poll seconds per receive (0–30, default 10); 0 ends the loop when the queue is empty. */
  wait?: number;
  /** Messages per receive (1–16, default 1). */
  batch?: number;
  /** Delete each message after the loop body returns for it without throwing. */
  deleteOnSuccess?: boolean;
  /** Stops the loop: the receive in progress is cut short; the loop ends without an error. */
  signal?: AbortSignal;
}

/** What the iterator needs from its queue. */
export interface Receiving {
  receiveBatch(max: number, options: { wait: number; signal?: AbortSignal }): Promise<Message[]>;
  receive(options: { wait: number; signal?: AbortSignal }): Promise<Message | undefined>;
  /** Whether release() can work on this client (it needs HTTP). */
  readonly canRelease: boolean;
}

export async function* consume(
  queue: Receiving,
  options: MessagesOptions = {},
): AsyncGenerator<Message, void, undefined> {
  const { wait = 10, batch = 1, deleteOnSuccess = false, signal } = options;
  let pending: Message[] = [];
  try {
    while (!signal?.aborted) {
      try {
        if (batch === 1) {
          const one = await queue.receive({ wait, signal });
          pending = one ? [one] : [];
        } else pending = await queue.receiveBatch(batch, { wait, signal });
      } catch (e) {
        if (signal?.aborted) return;
        throw e;
      }
      if (pending.length === 0 && wait === 0) return;
      for (let m = pending.shift(); m; m = pending.shift()) {
        yield m;
        // Acknowledging work already done is not cut short by the signal.
        if (deleteOnSuccess) await m.delete();
        if (signal?.aborted) return;
      }
    }
  } finally {
    if (pending.length > 0 && queue.canRelease) {
      await Promise.allSettled(pending.map((m) => m.release()));
    }
  }
}
