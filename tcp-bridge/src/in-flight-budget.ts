/**
 * The bridge-wide limit on requests in flight. A connection that finds the budget spent stops
 * reading and waits in line; each returned unit wakes the next one waiting, so a freed unit costs
 * one wake-up, not a scan of every connection.
 */
export class InFlightBudget {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  give(): void {
    this.used--;
    const next = this.waiting.values().next();
    if (!next.done) {
      this.waiting.delete(next.value);
      // Not synchronously: the woken connection may give units back at once, and a chain of
      // thousands of waiting connections must not grow the stack.
      queueMicrotask(next.value);
    }
  }

  /** Calls `wake` once a unit is free (after a failed take). */
  wait(wake: () => void): void {
    this.waiting.add(wake);
  }

  forget(wake: () => void): void {
    this.waiting.delete(wake);
  }
}
