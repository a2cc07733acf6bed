/**
 * Who a receive answers, as the queue client sees it: whether it is still there (the abort signal
 * of the HTTP request, or of the bridge's call) and a way to finish clean-up after it left. A
 * receiver that goes away must not take messages (src/objects/queue-client/sharded-receive.ts).
 */
export interface Receiver {
  /** Aborts when the client can no longer be answered. */
  signal: AbortSignal;
  /** Keeps the Worker's invocation alive until `work` settles, after the client is gone too. */
  waitUntil(work: Promise<unknown>): void;
}

/** The receiver of a Worker request: its signal aborts when the client disconnects. */
export function requestReceiver(request: Request, ctx: ExecutionContext): Receiver {
  return { signal: request.signal, waitUntil: (work) => ctx.waitUntil(work) };
}
