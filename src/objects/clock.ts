/**
 * The one clock the Worker, the objects and the queue client read: real time, unless a test has
 * installed a manual one (test/worker/test-clock.ts) to move time on without sleeping. The
 * domain never reads a clock: it is handed `now`.
 * @module
 */

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Calls `fn` once now() has reached `time` (Unix ms); the returned function cancels it. */
  at(time: number, fn: () => void): () => void;
  /** How far this clock runs ahead of wall-clock time, which Durable Object alarms are set in. */
  wallOffset(): number;
}

const systemClock: Clock = {
  now: () => Date.now(),
  at: (time, fn) => {
    const timer = setTimeout(fn, Math.max(0, time - Date.now()));
    return () => clearTimeout(timer);
  },
  wallOffset: () => 0,
};

let current: Clock = systemClock;

/** Reads whichever clock is installed, so objects made before a test's install follow it too. */
export const clock: Clock = {
  now: () => current.now(),
  at: (time, fn) => current.at(time, fn),
  wallOffset: () => current.wallOffset(),
};

/** Puts `replacement` in place (tests); the returned function puts the real clock back. */
export function installClock(replacement: Clock): () => void {
  current = replacement;
  return () => {
    current = systemClock;
  };
}
