/**
 * Group commit for calls to one object, shared by the TCP bridge (frames of many connections) and
 * the Worker (concurrent HTTP requests of one isolate): items for the same key that arrive while
 * earlier calls are in flight are sent together in the next call. At low load each item goes out
 * at once (no timer, no added latency); under load, batches grow by themselves. Items submitted in
 * one turn (a TCP chunk's frames) are gathered in a microtask, so a pipelining burst is one call.
 *
 * Each call is made by one of its own submitters, the batch's leader, in the leader's own
 * execution: in a Worker, I/O belongs to the request that starts it, so a call must never be
 * started on behalf of requests by one that may already have answered and gone.
 * @module
 */
export interface BatcherOptions {
  /** Calls in flight per key; more items wait and are merged. */
  maxInFlight: number;
  /** Items merged into one call at most. */
  maxItems: number;
  /** Total weight (bytes of bodies) merged into one call at most; one item always goes. */
  maxWeight: number;
  /**
   * Called as a submitter starts waiting for others' call; what it returns is called once its
   * result is in. A Worker holds a timer here: a request whose only pending work is a promise
   * another request will settle looks hung to the runtime, which cancels it.
   */
  whileWaiting?: () => () => void;
}

interface Entry<Item, Result> {
  item: Item;
  /** Settles with this item's own result (or its call's failure). */
  done: PromiseWithResolvers<Result>;
  /** Resolves with the batch this entry is to send, when it leads one. */
  lead: PromiseWithResolvers<Entry<Item, Result>[]>;
}

interface Lane<Item, Result> {
  waiting: Entry<Item, Result>[];
  inFlight: number;
  scheduled: boolean;
}

type Turn<Item, Result> = { result: Result } | { batch: Entry<Item, Result>[] };

export class Batcher<Item, Result> {
  private readonly lanes = new Map<string, Lane<Item, Result>>();
  /** Calls made and items carried: the coalescing ratio is items / calls. */
  readonly stats = { calls: 0, items: 0 };

  constructor(
    private readonly options: BatcherOptions,
    /** Sends one batch for `key`; returns one result per item, in order. */
    private readonly send: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly weigh: (item: Item) => number = () => 0,
    /** Whether `item` may join the batch gathered so far; a batch ends at the first that may not. */
    private readonly joins: (batch: readonly Item[], item: Item) => boolean = () => true,
  ) {}

  async submit(key: string, item: Item): Promise<Result> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiting: [], inFlight: 0, scheduled: false };
      this.lanes.set(key, lane);
    }
    const entry: Entry<Item, Result> = {
      item,
      done: Promise.withResolvers<Result>(),
      lead: Promise.withResolvers<Entry<Item, Result>[]>(),
    };
    lane.waiting.push(entry);
    this.schedule(key, lane);
    const done = this.options.whileWaiting?.() ?? (() => {});
    try {
      for (;;) {
        const turn: Turn<Item, Result> = await Promise.race([
          entry.done.promise.then((result) => ({ result })),
          entry.lead.promise.then((batch) => ({ batch })),
        ]);
        if ("result" in turn) return turn.result;
        entry.lead = Promise.withResolvers();
        await this.run(key, lane, turn.batch);
      }
    } finally {
      done();
    }
  }

  private schedule(key: string, lane: Lane<Item, Result>): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    queueMicrotask(() => {
      lane.scheduled = false;
      this.pump(key, lane);
    });
  }

  /** How many waiting items the next call takes: by count, weight and fit, at least one. */
  private takeCount(lane: Lane<Item, Result>): number {
    let weight = 0;
    const taken: Item[] = [];
    for (const w of lane.waiting) {
      if (taken.length >= this.options.maxItems) break;
      weight += this.weigh(w.item);
      if (taken.length > 0 && (weight > this.options.maxWeight || !this.joins(taken, w.item)))
        break;
      taken.push(w.item);
    }
    return taken.length;
  }

  /** Hands each batch that may go now to its first item, which sends it. */
  private pump(key: string, lane: Lane<Item, Result>): void {
    while (lane.inFlight < this.options.maxInFlight && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, this.takeCount(lane));
      lane.inFlight++;
      batch[0]?.lead.resolve(batch);
    }
    const idle = lane.inFlight === 0 && lane.waiting.length === 0;
    if (idle && this.lanes.get(key) === lane) this.lanes.delete(key);
  }

  /** The leader's part: one call for the whole batch, each item answered with its own result. */
  private async run(key: string, lane: Lane<Item, Result>, batch: Entry<Item, Result>[]) {
    this.stats.calls++;
    this.stats.items += batch.length;
    try {
      const results = await this.send(
        key,
        batch.map((e) => e.item),
      );
      if (results.length !== batch.length) throw new Error("batch answered with the wrong count");
      for (const [i, e] of batch.entries()) e.done.resolve(results[i] as Result);
    } catch (error) {
      for (const e of batch) e.done.reject(error);
    } finally {
      lane.inFlight--;
      this.pump(key, lane);
    }
  }
}
