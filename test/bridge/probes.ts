/**
 * Probes that prove a state of the Worker behind the bridge instead of sleeping until it is
 * probably reached: a test that needs a pull parked waits until the queue reports it parked.
 */
import { expect, vi } from "vitest";
import type { CmqHttpClient } from "../../tcp-bridge/src/client/http-client";

/** Resolves once the queue reports `n` long polls waiting (GetQueueAttributes waitingReceiverNum). */
export async function waitingIs(http: CmqHttpClient, queueName: string, n: number) {
  await vi.waitFor(
    async () =>
      expect((await http.ok("GetQueueAttributes", { queueName })).waitingReceiverNum).toBe(n),
    { timeout: 10_000, interval: 20 },
  );
}

/** A promise's settlement, readable synchronously: proves a request is still waiting. */
export function tracked<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}
