/**
 * A closed-loop load generator: `concurrency` workers each repeat `op` until the time is up. Each
 * op returns how many messages it moved, so batch operations count messages, not requests.
 */
export interface LoadResult {
  name: string;
  concurrency: number;
  seconds: number;
  requests: number;
  messages: number;
  errors: number;
  /** Per-request latencies in milliseconds, sorted. */
  latencies: number[];
}

export async function runLoad(
  name: string,
  op: (worker: number) => Promise<number>,
  options: {
    concurrency: number;
    seconds: number;
    warmupSeconds?: number;
    /** Stops early once this returns true. */
    until?: () => boolean;
  },
): Promise<LoadResult> {
  const warmupEnd = performance.now() + (options.warmupSeconds ?? 1) * 1000;
  const latencies: number[] = [];
  let messages = 0;
  let errors = 0;
  let measureStart = 0;
  let measureEnd = 0;
  const worker = async (id: number) => {
    for (;;) {
      const t0 = performance.now();
      if ((measureEnd !== 0 && t0 >= measureEnd) || options.until?.()) return;
      let moved = 0;
      try {
        moved = await op(id);
      } catch {
        errors++;
      }
      const t1 = performance.now();
      if (t0 >= warmupEnd) {
        if (measureStart === 0) {
          measureStart = t0;
          measureEnd = t0 + options.seconds * 1000;
        }
        if (t1 <= measureEnd) {
          latencies.push(t1 - t0);
          messages += moved;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  latencies.sort((a, b) => a - b);
  const elapsed = (Math.min(performance.now(), measureEnd) - measureStart) / 1000;
  return {
    name,
    concurrency: options.concurrency,
    seconds: measureStart === 0 ? 0 : elapsed,
    requests: latencies.length,
    messages,
    errors,
    latencies,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Sums runs of the same scenario into one result (latencies merged). */
export function combine(name: string, runs: readonly LoadResult[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    name,
    concurrency: runs[0]?.concurrency ?? 0,
    seconds: runs.reduce((n, r) => n + r.seconds, 0),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    messages: runs.reduce((n, r) => n + r.messages, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    latencies,
  };
}

/**
 * Measures two scenarios in A-B-B-A order, half the time each, so drift in the machine's speed
 * during the run (warm-up, other load) falls on both alike.
 */
export async function abba(
  a: { name: string; op: (worker: number) => Promise<number> },
  b: { name: string; op: (worker: number) => Promise<number> },
  options: { concurrency: number; seconds: number },
): Promise<[LoadResult, LoadResult]> {
  const half = { ...options, seconds: options.seconds / 2, warmupSeconds: 0.5 };
  const a1 = await runLoad(a.name, a.op, half);
  const b1 = await runLoad(b.name, b.op, half);
  const b2 = await runLoad(b.name, b.op, half);
  const a2 = await runLoad(a.name, a.op, half);
  return [combine(a.name, [a1, a2]), combine(b.name, [b1, b2])];
}
