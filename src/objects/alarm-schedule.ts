/**
 * Keeps one Durable Object alarm at the earliest due chore, remembering the scheduled time so a
 * request only touches the alarm when it brings a deadline forward.
 */
import type { ChoreReport } from "../domain/chore-report";

/** Chores due in less than this are batched into one run, so frequent expiries don't storm. */
const MIN_SPACING_MS = 1000;

export class AlarmSchedule {
  private at: number | null = null;

  constructor(private readonly storage: DurableObjectStorage) {}

  async load(): Promise<void> {
    this.at = await this.storage.getAlarm();
  }

  get scheduled(): boolean {
    return this.at !== null;
  }

  /** Makes sure an alarm fires no later than `time` (null: nothing due). */
  async ensure(time: number | null): Promise<void> {
    if (time === null || (this.at !== null && this.at <= time)) return;
    this.at = time;
    await this.storage.setAlarm(time);
  }

  /** After an alarm run: schedule the next one from its report. */
  async afterRun(report: ChoreReport, now: number): Promise<void> {
    this.at = null;
    if (report.more) return this.ensure(now);
    if (report.nextAt !== null) return this.ensure(Math.max(report.nextAt, now + MIN_SPACING_MS));
  }

  async clear(): Promise<void> {
    this.at = null;
    await this.storage.deleteAlarm();
  }
}
