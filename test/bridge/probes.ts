/**
 * Probes that prove a state of the Worker behind the bridge instead of sleeping until it is
 * probably reached (a test that needs a pull parked waits until the queue reports it parked),
 * and the error reply a TCP request must get.
 */

import type { CmqHttpClient } from "cmq-edge/client";
import { TcpRequestError } from "cmq-edge/client";
import { expect, vi } from "vitest";

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

/** The error reply a request was answered with; fails the test if it succeeded. */
export async function rejection(promise: Promise<unknown>): Promise<TcpRequestError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TcpRequestError) return e;
    throw e;
  }
  throw new Error("expected an error reply");
}
