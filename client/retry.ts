/**
 * Retries for requests that got no answer (CmqNetworkError) — never for a CMQ error reply, which is
 * an answer — with exponential backoff, jittered and capped, and every wait ended by the caller's
 * AbortSignal. Sleep and randomness are parameters, so tests see each pause without waiting it.
 * @module
 */
import { CmqNetworkError } from "./errors";

export interface RetryPolicy {
  /** Tries in all, the first included: 1 never retries. */
  attempts: number;
  /** The pause before the first retry; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

export interface RetryClock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

export const REAL_CLOCK: RetryClock = { sleep: abortableSleep, random: Math.random };

/**
 * The pause before retry `n` (1 = the first retry): half of the capped exponential step, plus up
 * to the other half at random, so clients that lost the same server do not all return at once.
 */
export function backoffDelay(policy: RetryPolicy, n: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return step / 2 + (step / 2) * random();
}

/** Runs `op` until it answers, fails otherwise than on the network, or the attempts run out. */
export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  clock: RetryClock = REAL_CLOCK,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await op(attempt);
    } catch (e) {
      if (!(e instanceof CmqNetworkError) || attempt >= policy.attempts) throw e;
      signal?.throwIfAborted();
      await clock.sleep(backoffDelay(policy, attempt, clock.random), signal);
    }
  }
}

/** `promise`, or the signal's reason as soon as it aborts (the work itself goes on for others). */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const aborted = () => reject(signal.reason);
    signal.addEventListener("abort", aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", aborted));
  });
}
