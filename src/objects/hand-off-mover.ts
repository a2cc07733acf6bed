/**
 * Moves messages between queues for the alarm: dead letters to the dead-letter queue, and a running
 * redrive back to the source queues. The receiving queue stores each message under its hand-off key
 * before this queue deletes it (src/domain/queue/dead-letter.ts), so a crash in between repeats the
 * hand-off harmlessly. A refused hand-off (queue gone or full) is retried after a pause.
 */
import { DEAD_LETTER_LIMITS } from "../domain/limits";
import type { Outcome } from "../domain/outcome";
import type { HandOff } from "../domain/queue/dead-letter";
import type { QueueStore } from "../domain/queue/queue-store";
import { clock } from "./clock";
import { QueueClient } from "./queue-client/queue-client";

export type HandOffPort = (
  appId: string,
  queue: string,
  items: HandOff[],
) => Promise<Outcome<void>>;

/** Through the queue client, so a sharded receiving queue takes hand-offs on every shard. */
export function handOffThrough(env: Env): HandOffPort {
  return (appId, queue, items) =>
    new QueueClient(env, appId, queue).acceptHandOff({ queue }, items);
}

export class HandOffMover {
  private retryAt = 0;

  constructor(
    private readonly store: QueueStore,
    private readonly handOff: HandOffPort,
  ) {}

  /** One step of each move; true when a full batch went, so more may wait. */
  async run(now: number): Promise<boolean> {
    if (now < this.retryAt) return false;
    const dead = await this.moveDeadLetters();
    const redrive = await this.redrive(now);
    return dead || redrive;
  }

  private async moveDeadLetters(): Promise<boolean> {
    const batch = this.store.deadLetters(DEAD_LETTER_LIMITS.moveBatch);
    if (!batch) return false;
    const items: HandOff[] = batch.letters.map((l) => ({
      key: l.key,
      body: l.body,
      origin: {
        queue: batch.source,
        pubTime: l.originalPubTime,
        dequeueCount: l.originalDequeueCount,
      },
    }));
    if (!(await this.deliver(batch.appId, batch.queue, items))) return false;
    this.store.movedToDeadLetter(
      batch.letters.map((l) => l.seq),
      clock.now(),
    );
    return batch.letters.length === DEAD_LETTER_LIMITS.moveBatch;
  }

  private async redrive(now: number): Promise<boolean> {
    const batch = this.store.redriveBatch(now, DEAD_LETTER_LIMITS.moveBatch);
    if (!batch || batch.items.length === 0) return false;
    const byQueue = Map.groupBy(batch.items, (item) => item.queue);
    for (const [queue, items] of byQueue) {
      const handOffs = items.map(({ key, body }) => ({ key, body }));
      if (await this.deliver(batch.appId, queue, handOffs)) {
        this.store.redriven(
          items.map((i) => i.seq),
          now,
        );
      }
    }
    return batch.items.length === DEAD_LETTER_LIMITS.moveBatch;
  }

  private async deliver(appId: string, queue: string, items: HandOff[]): Promise<boolean> {
    try {
      const outcome = await this.handOff(appId, queue, items);
      if (outcome.ok) return true;
      console.error(`hand-off to queue ${queue} refused: ${outcome.error.kind}`);
    } catch (e) {
      console.error(`hand-off to queue ${queue} failed`, e);
    }
    this.retryAt = clock.now() + DEAD_LETTER_LIMITS.retryAfterMs;
    return false;
  }
}
