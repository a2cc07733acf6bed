/**
 * Keeps one Durable Object alarm at the earliest due background chore (retention, rewind chunks,
 * forgetting request stamps), remembering the scheduled time so a request only touches the alarm
 * when it brings a deadline forward.
 */
import type { ChoreReport } from "../domain/chore-report";
import { clock } from "./clock";

/** Chores due in less than this are batched into one run, so frequent expiries don't storm. */
const MIN_SPACING_MS = 1000;

/** What a store offers its alarm: one bounded run of chores, and when the next falls due. */
export interface ChoreRunner {
  chores(now: number): ChoreReport | Promise<ChoreReport>;
  nextChoreAt(now: number): number | null;
}

export class AlarmSchedule {
  private at: number | null = null;
  /** When afterChange last asked the runner for its next chore. */
  private lookedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly runner: ChoreRunner,
  ) {}

  async load(): Promise<void> {
    const wall = await this.storage.getAlarm();
    this.at = wall === null ? null : wall + clock.wallOffset();
  }

  /** Makes sure an alarm fires no later than `time` (null: nothing due). */
  async ensure(time: number | null): Promise<void> {
    if (time === null || (this.at !== null && this.at <= time)) return;
    this.at = time;
    await this.storage.setAlarm(time - clock.wallOffset());
  }

  /** The object's alarm handler: one run of chores, then the next alarm from its report. */
  async run(): Promise<void> {
    const now = clock.now();
    // The alarm that fired is consumed whatever happens, so a failed run cannot leave a stale time
    // behind that would stop later requests from scheduling one.
    this.at = null;
    const report = await this.runner.chores(now);
    if (report.more) await this.ensure(now);
    else if (report.nextAt !== null)
      await this.ensure(Math.max(report.nextAt, now + MIN_SPACING_MS));
  }

  /**
   * A change may have created a chore due sooner than the scheduled alarm (a short retention).
   * Looking costs several queries, so under load it is done at most once per MIN_SPACING_MS:
   * between looks, an alarm within the spacing looks again, so no chore waits longer than the
   * batching above already allows.
   */
  async afterChange<T>(value: T): Promise<T> {
    const now = clock.now();
    if (now - this.lookedAt < MIN_SPACING_MS) {
      await this.ensure(this.lookedAt + MIN_SPACING_MS);
      return value;
    }
    this.lookedAt = now;
    await this.ensure(this.runner.nextChoreAt(now));
    return value;
  }

  async clear(): Promise<void> {
    this.at = null;
    await this.storage.deleteAlarm();
  }
}
