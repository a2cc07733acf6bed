/**
 * Names of receives and waits that were cancelled (src/objects/queue-object.ts `cancelWait`). A
 * cancel may arrive before the call it names (the two travel separately), so each is remembered
 * for a while whether or not that call is here yet. In memory only: losing one costs a wait, not a
 * message (a receiver that is gone gets what it took returned unread).
 */
import { POLLING_WAIT_SECONDS } from "../domain/limits";

/** Longer than any wait, so a cancel outlives the call it names. */
const REMEMBER_MS = 2 * POLLING_WAIT_SECONDS.max * 1000;
const MAX_REMEMBERED = 10_000;

export class Cancellations {
  /** Name → when to forget it; insertion order is expiry order. */
  private readonly until = new Map<string, number>();

  cancel(name: string, now: number): void {
    for (const [old, at] of this.until) {
      if (at > now && this.until.size < MAX_REMEMBERED) break;
      this.until.delete(old);
    }
    this.until.delete(name);
    this.until.set(name, now + REMEMBER_MS);
  }

  /** Whether any of `names` was cancelled. */
  any(names: readonly string[]): boolean {
    return names.some((name) => this.until.has(name));
  }
}
