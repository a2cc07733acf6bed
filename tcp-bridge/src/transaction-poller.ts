/**
 * Check-backs for transaction messages. A queue object cannot open a connection to a producer, so
 * the bridge asks: every poll interval, for each queue where one of its clients has transaction
 * messages pending, it asks the Worker which are due and sends TRANSACTION_QUERY on that client's
 * live connections. A producer that is gone is not asked; its messages roll back at their deadline.
 * Only queues with pending messages are polled, and a producer is identified by this bridge's id
 * and its client id, so several bridges never ask each other's clients.
 */
import { randomUUID } from "node:crypto";
import type { Forwarder } from "./forwarder";

export interface Producer {
  appId: string;
  clientId: string;
}

/** Sends a TRANSACTION_QUERY to a live connection of the producer; false when it has none. */
export type AskProducer = (producer: Producer, queue: string, msgId: bigint) => boolean;

const QUERIES_PER_POLL = 256;

export class TransactionPoller {
  /** This bridge process: part of every producer id it hands the Worker. */
  readonly bridgeId = randomUUID();
  private readonly watched = new Map<string, Producer & { queue: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly forwarder: Forwarder,
    private readonly ask: AskProducer,
    private readonly intervalMs: number,
  ) {}

  producerId(p: Producer): string {
    return `${this.bridgeId}/${p.appId}/${p.clientId}`;
  }

  /** A client of this bridge sent transaction messages to `queue`: poll it until none are left. */
  watch(p: Producer, queue: string): void {
    this.watched.set(`${p.appId}\u0000${queue}\u0000${p.clientId}`, { ...p, queue });
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: ask the Worker what is due and send the check-backs. */
  async poll(): Promise<void> {
    for (const [key, w] of this.watched) {
      try {
        const outcome = await this.forwarder.transactionQueries(
          w.appId,
          w.queue,
          this.producerId(w),
          QUERIES_PER_POLL,
        );
        if (!outcome.ok) {
          if (outcome.error.kind === "queueNotFound") this.watched.delete(key);
          continue;
        }
        for (const id of outcome.value.msgIds) this.ask(w, w.queue, BigInt(id));
        if (outcome.value.pending === 0) this.watched.delete(key);
      } catch {
        // The Worker is unreachable this round; the next one tries again.
      }
    }
    if (this.watched.size === 0) this.stop();
  }
}
