/**
 * Results as data. Durable Object RPC does not carry exception classes across, so object methods
 * return an Outcome and the caller turns a failure back into a CmqError.
 * @module
 */
import { CmqError, type CmqErrorData } from "./errors";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CmqErrorData };

/** Runs `fn`, turning a CmqError into a failed Outcome; any other exception propagates. */
export function attempt<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof CmqError) return { ok: false, error: e.data };
    throw e;
  }
}

export async function attemptAsync<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof CmqError) return { ok: false, error: e.data };
    throw e;
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new CmqError(outcome.error);
}
