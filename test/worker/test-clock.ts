/**
 * A clock for worker tests that can be moved on (src/objects/clock.ts): real time plus an offset
 * that `advance` raises, so a long poll's deadline, a visibility timeout or a delay passes at once
 * instead of after real seconds. Timers are real ones, set in the context of whoever asked for
 * them (a Durable Object's own), that look again every few milliseconds (backing off to 50), so a
 * jump wakes them within one look; the objects never learn which clock they read.
 */
import { afterAll, beforeAll } from "vitest";
import { type Clock, installClock } from "../../src/objects/clock";

/** How soon a pending timer first looks at the clock again, and how seldom at most (real ms). */
const FIRST_LOOK_MS = 5;
const LAST_LOOK_MS = 50;

export class TestClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  at(time: number, fn: () => void): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let every = FIRST_LOOK_MS;
    const look = () => {
      const left = time - this.now();
      if (left <= 0) return fn();
      timer = setTimeout(look, Math.min(left, every));
      every = Math.min(every * 2, LAST_LOOK_MS);
    };
    timer = setTimeout(look, 0);
    return () => clearTimeout(timer);
  }

  wallOffset(): number {
    return this.offset;
  }

  /** Moves time on by `ms` at once. */
  advance(ms: number): void {
    this.offset += ms;
  }
}

/**
 * Installs one TestClock for the whole file that calls this (time never runs backwards for the
 * file's objects, which outlive single tests), and takes it out at the end.
 */
export function useTestClock(): TestClock {
  const testClock = new TestClock();
  let uninstall = () => {};
  beforeAll(() => {
    uninstall = installClock(testClock);
  });
  afterAll(() => uninstall());
  return testClock;
}
