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
  /** Total weight (bytes of bodies) merged into one call at most; one item always goes. */
  maxWeight: number;
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
    private readonly weigh: (item: Item) => number = () => 0,
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

  /** How many waiting items the next call takes: by count and weight, at least one. */
  private takeCount(lane: Lane<Item, Result>): number {
    let weight = 0;
    let n = 0;
    for (const w of lane.waiting) {
      if (n >= this.options.maxItems) break;
      weight += this.weigh(w.item);
      if (n > 0 && weight > this.options.maxWeight) break;
      n++;
    }
    return n;
  }

  private pump(key: string, lane: Lane<Item, Result>): void {
    while (lane.inFlight < this.options.maxInFlight && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, this.takeCount(lane));
      lane.inFlight++;
      this.stats.calls++;
      this.stats.items += batch.length;
      this.send(
        key,
        batch.map((w) => w.item),
      )
        .then((results) => {
          if (results.length !== batch.length)
            throw new Error("batch answered with the wrong count");
          for (const [i, w] of batch.entries()) w.resolve(results[i] as Result);
        })
        .catch((error) => {
          for (const w of batch) w.reject(error);
        })
        .finally(() => {
          lane.inFlight--;
          if (lane.waiting.length > 0) this.pump(key, lane);
          else if (lane.inFlight === 0) this.lanes.delete(key);
        });
    }
  }
}
