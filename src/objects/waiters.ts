/**
 * Long-poll receivers parked inside a queue object. In memory only: a waiter holds nothing that must
 * survive a restart (if the object restarts, the client's request fails and it retries).
 */
import { clock } from "./clock";

interface Waiter {
  /** When its timer fires: its deadline, or when the next invisible message becomes visible. */
  until: number;
  /** Names the waiter for cancel(). */
  names: readonly string[];
  /** How many messages it would take, so one send wakes as many waiters as it can serve. */
  wants: number;
  wake: () => void;
}

export class Waiters {
  private readonly parked: Waiter[] = [];

  get size(): number {
    return this.parked.length;
  }

  /** Resolves when woken, or at `until` (Unix ms), whichever comes first. */
  wait(until: number, names: readonly string[] = [], wants = 1): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        until,
        names,
        wants,
        wake: () => {
          cancelTimer();
          const i = this.parked.indexOf(waiter);
          if (i >= 0) this.parked.splice(i, 1);
          resolve();
        },
      };
      const cancelTimer = clock.at(until, waiter.wake);
      this.parked.push(waiter);
    });
  }

  /**
   * `n` messages became visible: wakes the longest-waiting until their wants cover them. Waking one
   * per message instead woke a crowd for every batch, all but the first finding nothing left.
   */
  wake(n: number): void {
    let left = n;
    for (const waiter of this.parked.slice()) {
      if (left <= 0) return;
      left -= waiter.wants;
      waiter.wake();
    }
  }

  /** Wakes the waiters named `name`, if parked. */
  cancel(name: string): void {
    for (const waiter of this.parked.filter((w) => w.names.includes(name))) waiter.wake();
  }

  wakeAll(): void {
    for (const waiter of this.parked.slice()) waiter.wake();
  }

  /**
   * A message will become visible at `time`: waiters whose timers run past it wake now to re-arm
   * for it (a delayed send, or a receive that started a visibility timeout).
   */
  wakeBefore(time: number): void {
    for (const waiter of this.parked.filter((w) => w.until > time)) waiter.wake();
  }
}
