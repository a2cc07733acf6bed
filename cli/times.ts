/**
 * Times on the command line and in output: `queue rewind` takes Unix seconds, an ISO 8601 time
 * or a duration ago (`90s`, `15m`, `2h`, `1d`); tables show CMQ's Unix seconds as UTC ISO text.
 * `now` is a parameter, so the parsing is tested at chosen times.
 * @module
 */
import { UsageError } from "./failure";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Unix seconds of `text` at `nowMs`. */
export function parseTime(text: string, nowMs: number): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const ago = /^(\d+)([smhd])$/.exec(trimmed);
  if (ago) {
    return Math.floor(nowMs / 1000) - Number(ago[1]) * (UNIT_SECONDS[ago[2] as string] as number);
  }
  const ms = Date.parse(trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && !Number.isNaN(ms)) return Math.floor(ms / 1000);
  throw new UsageError(
    `not a time: ${JSON.stringify(text)} (Unix seconds, an ISO 8601 time, or a duration ago such as 15m)`,
  );
}

/** Unix seconds as `2026-11-25T10:00:00Z`; 0 (never) as "-". */
export function isoSeconds(seconds: number): string {
  if (!seconds) return "-";
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}
