/**
 * TopicObject: one per tenant and topic name. A thin shell over TopicStore: a publish is answered
 * once it is in the outbox, and delivery runs from the alarm (src/objects/topic-delivery.ts), so a
 * failed endpoint, a restart or a slow subscriber loses nothing and blocks no publisher.
 */
import { DurableObject } from "cloudflare:workers";
import type { ChoreReport } from "../domain/chore-report";
import { fail } from "../domain/errors";
import { attempt, type Outcome } from "../domain/outcome";
import type { PublishGroup } from "../domain/topic/publish";
import type {
  NewSubscription,
  Subscription,
  SubscriptionSettings,
} from "../domain/topic/subscriptions";
import {
  type NewTopic,
  type SubscriptionPage,
  type TopicCall,
  type TopicSettings,
  TopicStore,
  type TopicView,
} from "../domain/topic/topic-store";
import { AlarmSchedule } from "./alarm-schedule";
import { clock } from "./clock";
import { postPush } from "./http-push";
import { QueueClient } from "./queue-client/queue-client";
import { durableSql } from "./sql-adapter";
import { Delivery } from "./topic-delivery";

/** How long one alarm run may spend delivering before it leaves the rest to the next run. */
const DELIVERY_BUDGET_MS = 25_000;

export class TopicObject extends DurableObject<Env> {
  private readonly store: TopicStore;
  private readonly alarms: AlarmSchedule;
  private readonly delivery: Delivery;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new TopicStore(durableSql(ctx.storage));
    this.delivery = new Delivery(this.store, {
      push: (url, request) => postPush(url, request),
      // Through the queue client, so a sharded queue takes deliveries on every shard.
      sendToQueue: (appId, queue, groups) => {
        const origin = { via: "topic" as const, client: this.store.topicName() };
        return new QueueClient(env, appId, queue).send(
          { queue },
          groups.map((bodies) => ({ bodies, delaySeconds: 0, origin })),
        );
      },
    });
    this.alarms = new AlarmSchedule(ctx.storage, {
      chores: (now) => this.deliverAndClean(now),
      nextChoreAt: () => this.store.nextChoreAt(),
    });
    void ctx.blockConcurrencyWhile(() => this.alarms.load());
  }

  async create(topic: NewTopic): Promise<Outcome<TopicView>> {
    return attempt(() => this.store.create(topic, clock.now()));
  }

  /** Deletes the topic unless it has subscriptions; returns whether it existed. */
  async destroy(call: TopicCall): Promise<Outcome<boolean>> {
    const outcome = attempt(() => {
      if (!this.store.exists()) return false;
      if (this.store.subscriptionCount(call) > 0)
        fail({ kind: "topicHasSubscriptions", topic: call.topic });
      return true;
    });
    if (outcome.ok && outcome.value) {
      await this.ctx.storage.deleteAll();
      await this.alarms.clear();
      this.store.forgetStorage();
    }
    return outcome;
  }

  async exists(): Promise<boolean> {
    return this.store.exists();
  }

  async attributes(call: TopicCall): Promise<Outcome<TopicView>> {
    return this.alarms.afterChange(attempt(() => this.store.attributes(call)));
  }

  async setAttributes(call: TopicCall, patch: TopicSettings): Promise<Outcome<TopicView>> {
    const now = clock.now();
    const outcome = attempt(() => this.store.setAttributes(call, patch, now));
    // A shorter retention brings expiries forward.
    await this.alarms.ensure(this.store.nextChoreAt());
    return outcome;
  }

  /** Stores each group whole or refuses it whole, then wakes delivery. */
  async publish(call: TopicCall, groups: PublishGroup[]): Promise<Outcome<Outcome<bigint[]>[]>> {
    const outcome = attempt(() => this.store.publish(call, groups, clock.now()));
    if (outcome.ok && outcome.value.some((r) => r.ok)) {
      this.delivery.kick();
      await this.alarms.ensure(clock.now());
    }
    return outcome;
  }

  async subscribe(call: TopicCall, subscription: NewSubscription): Promise<Outcome<Subscription>> {
    return this.alarms.afterChange(
      attempt(() => this.store.subscribe(call, subscription, clock.now())),
    );
  }

  async unsubscribe(call: TopicCall, name: string): Promise<Outcome<void>> {
    const outcome = attempt(() => this.store.unsubscribe(call, name));
    // Its outbox rows are purged by the chores.
    if (outcome.ok) await this.alarms.ensure(clock.now());
    return outcome;
  }

  async subscription(call: TopicCall, name: string): Promise<Outcome<Subscription>> {
    return this.alarms.afterChange(attempt(() => this.store.subscription(call, name)));
  }

  async setSubscription(
    call: TopicCall,
    name: string,
    patch: Partial<SubscriptionSettings>,
  ): Promise<Outcome<Subscription>> {
    return this.alarms.afterChange(
      attempt(() => this.store.setSubscription(call, name, patch, clock.now())),
    );
  }

  /** The topic's stored messages and its subscriptions' counts, for GET /metrics. */
  async metrics(
    call: TopicCall,
  ): Promise<Outcome<{ view: TopicView; subscriptions: Subscription[] }>> {
    return attempt(() => this.store.metrics(call));
  }

  async listSubscriptions(
    call: TopicCall,
    query: { searchWord?: string; offset: number; limit: number },
  ): Promise<Outcome<SubscriptionPage>> {
    return this.alarms.afterChange(attempt(() => this.store.listSubscriptions(call, query)));
  }

  override async alarm(): Promise<void> {
    await this.alarms.run();
  }

  private async deliverAndClean(now: number): Promise<ChoreReport> {
    const more = await this.delivery.run(DELIVERY_BUDGET_MS);
    const report = this.store.chores(Math.max(now, clock.now()));
    return { more: more || report.more, nextAt: report.nextAt };
  }
}
