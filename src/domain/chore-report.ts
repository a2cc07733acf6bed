/** What an object's alarm learns from one run of its background chores. */
export interface ChoreReport {
  /** True when a chunk limit stopped some chore: run again soon. */
  more: boolean;
  /** When the next chore falls due, or null when none is pending. */
  nextAt: number | null;
}

/** The earliest of the given times, or null when there are none. */
export function earliest(...times: (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const t of times) if (t != null && (best === null || t < best)) best = t;
  return best;
}
