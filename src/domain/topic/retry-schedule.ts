/**
 * CMQ's push retry strategies (cmq-api-http.md §7). BACKOFF_RETRY retries a few times at a fixed
 * interval; EXPONENTIAL_DECAY_RETRY waits 1, 2, 4 … 512 s and then 512 s between retries, 176
 * retries in all (about a day, the topic's message lifetime).
 * @module
 */

export const NOTIFY_STRATEGIES = ["BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY"] as const;
export type NotifyStrategy = (typeof NOTIFY_STRATEGIES)[number];

export const RETRY_POLICY = {
  backoff: { retries: 3, intervalSeconds: 20 },
  exponential: { retries: 176, maxIntervalSeconds: 512 },
} as const;

/**
 * How long to wait before retry number `retry` (1 for the first retry) after a failed push, in
 * milliseconds; null when the strategy has no more retries.
 */
export function retryDelayMs(strategy: NotifyStrategy, retry: number): number | null {
  if (retry < 1) return 0;
  if (strategy === "BACKOFF_RETRY") {
    const p = RETRY_POLICY.backoff;
    return retry <= p.retries ? p.intervalSeconds * 1000 : null;
  }
  const p = RETRY_POLICY.exponential;
  if (retry > p.retries) return null;
  return Math.min(2 ** (retry - 1), p.maxIntervalSeconds) * 1000;
}
