/**
 * Group commit for calls to one object: items for the same key that arrive while earlier calls
 * are in flight are sent together in the next call. At low load each item goes out at once (no
 * timer, no added latency); under load, batches grow by themselves. Items decoded from one TCP
 * chunk are gathered in a microtask, so a pipelining client's burst becomes one call.
 */
export interface BatcherOptions {
  /** Calls in flight per key; more items wait and are merged. */
  maxInFlight: number;
  /** Items merged into one call at most. */
  maxItems: number;
}

interface Lane<Item, Result> {
  waiting: { item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }[];
  inFlight: number;
  scheduled: boolean;
}

export class Batcher<Item, Result> {
  private readonly lanes = new Map<string, Lane<Item, Result>>();
  /** Calls made and items carried: the coalescing ratio is items / calls. */
  readonly stats = { calls: 0, items: 0 };

  constructor(
    private readonly options: BatcherOptions,
    /** Sends one batch for `key`; returns one result per item, in order. */
    private readonly send: (key: string, items: Item[]) => Promise<Result[]>,
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiting: [], inFlight: 0, scheduled: false };
      this.lanes.set(key, lane);
    }
    const target = lane;
    return new Promise<Result>((resolve, reject) => {
      target.waiting.push({ item, resolve, reject });
      if (!target.scheduled) {
        target.scheduled = true;
        queueMicrotask(() => {
          target.scheduled = false;
          this.pump(key, target);
        });
      }
    });
  }

  private pump(key: string, lane: Lane<Item, Result>): void {
    while (lane.inFlight < this.options.maxInFlight && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, this.options.maxItems);
      lane.inFlight++;
      this.stats.calls++;
      this.stats.items += batch.length;
      this.send(
        key,
        batch.map((w) => w.item),
      )
        .then(
          (results) => {
            for (const [i, w] of batch.entries()) w.resolve(results[i] as Result);
          },
          (error) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          lane.inFlight--;
          if (lane.waiting.length > 0) this.pump(key, lane);
          else if (lane.inFlight === 0) this.lanes.delete(key);
        });
    }
  }
}
