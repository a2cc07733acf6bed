/**
 * Long-poll receivers parked inside a queue object. In memory only: a waiter holds nothing that must
 * survive a restart (if the object restarts, the client's request fails and it retries).
 */
interface Waiter {
  wake: () => void;
}

export class Waiters {
  private readonly parked: Waiter[] = [];

  get size(): number {
    return this.parked.length;
  }

  /** Resolves when woken, or at `until` (Unix ms), whichever comes first. */
  wait(until: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          const i = this.parked.indexOf(waiter);
          if (i >= 0) this.parked.splice(i, 1);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, Math.max(0, until - Date.now()));
      this.parked.push(waiter);
    });
  }

  /** Wakes up to `n` waiters, longest-waiting first. */
  wake(n: number): void {
    for (const waiter of this.parked.slice(0, n)) waiter.wake();
  }

  wakeAll(): void {
    this.wake(this.parked.length);
  }
}
