/** How the console writes numbers, rates and times: compact, and the same on every page. */

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Messages a second: two decimals below 1 (a trickle is not nothing), one below 10. */
export function rate(perSecond: number): string {
  if (perSecond === 0) return "0/s";
  if (perSecond < 1) return `${perSecond.toFixed(2)}/s`;
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${count(Math.round(perSecond))}/s`;
}

/** Unix seconds as local date and time, "—" for 0 (never). */
export function time(unixSeconds: number): string {
  if (!unixSeconds) return "—";
  return new Date(unixSeconds * 1000).toLocaleString("en-GB", { hour12: false });
}

/** Unix milliseconds as local time with milliseconds, for traces. */
export function timeMs(unixMs: number): string {
  const d = new Date(unixMs);
  return `${d.toLocaleString("en-GB", { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** Seconds as the largest whole unit that fits: "4 d", "90 s". */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "d"],
    [3600, "h"],
    [60, "min"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}`;
  }
  return `${seconds} s`;
}
