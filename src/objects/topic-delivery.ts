/**
 * Delivery from a topic's outbox. Each subscription is a lane that works through its due rows in
 * order; lanes run side by side, so a slow or dead endpoint holds up only its own subscription.
 * A run is bounded in time; what is left stays in the outbox for the next alarm.
 */
import type { CmqErrorKind } from "../domain/errors";
import type { Outcome } from "../domain/outcome";
import type { DueEntry } from "../domain/topic/outbox";
import { pushRequest } from "../domain/topic/push-format";
import type { Subscription } from "../domain/topic/subscriptions";
import type { TopicStore, TopicView } from "../domain/topic/topic-store";
import { clock } from "./clock";
import type { PushOutcome } from "./http-push";

/** The I/O a delivery needs: an HTTP push, and a send into a queue of the topic's tenant. */
export interface DeliveryPorts {
  push(url: string, request: ReturnType<typeof pushRequest>): Promise<PushOutcome>;
  sendToQueue(
    appId: string,
    queue: string,
    groups: string[][],
  ): Promise<Outcome<Outcome<bigint[]>[]>>;
}

/** Rows a lane takes at a time; queue lanes send them as groups of 16 in one object call. */
const LANE_BATCH = 64;
const QUEUE_GROUP = 16;

/** Refusals that retrying cannot cure: the message itself does not fit the queue. */
const PERMANENT: readonly CmqErrorKind[] = ["messageTooLarge", "batchTooLarge", "emptyMessageBody"];

export class Delivery {
  private readonly running = new Map<number, Promise<void>>();
  private deadline = 0;

  constructor(
    private readonly store: TopicStore,
    private readonly ports: DeliveryPorts,
  ) {}

  /** Delivers what is due until nothing is, or `budgetMs` has passed; true when due work remains. */
  async run(budgetMs: number): Promise<boolean> {
    this.deadline = clock.now() + budgetMs;
    this.startLanes();
    while (this.running.size > 0) await Promise.race(this.running.values());
    this.deadline = 0;
    return this.store.dueSubscriptions(clock.now()).length > 0;
  }

  /** New rows were published: start lanes for them if a run is under way. */
  kick(): void {
    if (clock.now() < this.deadline) this.startLanes();
  }

  private startLanes(): void {
    for (const s of this.store.dueSubscriptions(clock.now())) {
      if (this.running.has(s.id)) continue;
      const lane = this.lane(s.id).finally(() => this.running.delete(s.id));
      this.running.set(s.id, lane);
    }
  }

  private async lane(subscriptionId: number): Promise<void> {
    while (clock.now() < this.deadline) {
      const due = this.store.dueDeliveries(subscriptionId, clock.now(), LANE_BATCH);
      if (!due || due.entries.length === 0) return;
      if (due.subscription.protocol === "queue")
        await this.toQueue(due.topic, due.subscription, due.entries);
      else await this.toHttp(due.topic, due.subscription, due.entries);
    }
  }

  private async toQueue(topic: TopicView, s: Subscription, entries: DueEntry[]): Promise<void> {
    const groups: DueEntry[][] = [];
    for (let i = 0; i < entries.length; i += QUEUE_GROUP)
      groups.push(entries.slice(i, i + QUEUE_GROUP));
    let sent: Outcome<Outcome<bigint[]>[]>;
    try {
      sent = await this.ports.sendToQueue(
        topic.appId,
        s.endpoint,
        groups.map((g) => g.map((e) => e.body)),
      );
    } catch (e) {
      sent = { ok: false, error: { kind: "internal" } };
      console.error("queue delivery failed", e);
    }
    const now = clock.now();
    groups.forEach((group, i) => {
      const result = sent.ok ? sent.value[i] : sent;
      if (result?.ok) {
        this.store.delivered(
          s.id,
          group.map((e) => e.seq),
        );
        return;
      }
      const error = result ? result.error : ({ kind: "internal" } as const);
      for (const entry of group) {
        this.store.failed(
          s.id,
          entry,
          `queue ${s.endpoint}: ${error.kind}`,
          PERMANENT.includes(error.kind),
          now,
        );
      }
    });
  }

  private async toHttp(topic: TopicView, s: Subscription, entries: DueEntry[]): Promise<void> {
    for (const entry of entries) {
      if (clock.now() >= this.deadline) return;
      const request = pushRequest({
        format: s.contentFormat,
        appId: topic.appId,
        topicName: topic.name,
        subscriptionName: s.name,
        msgId: entry.msgId,
        body: entry.body,
        tags: entry.tags,
        publishedAt: entry.publishedAt,
        requestId: crypto.randomUUID(),
      });
      const outcome = await this.ports.push(s.endpoint, request);
      if (outcome.ok) this.store.delivered(s.id, [entry.seq]);
      else this.store.failed(s.id, entry, outcome.error, false, clock.now());
    }
  }
}
