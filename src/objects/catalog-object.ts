/**
 * CatalogObject: one per tenant, the names of its queues and topics (src/domain/catalog). Creating
 * and deleting a queue or topic runs here, one name at a time: register then initialise the
 * object; destroy the object then unregister.
 */
import { DurableObject } from "cloudflare:workers";
import {
  CatalogStore,
  type EntryKind,
  type FilteredQuery,
  type ListPage,
  type ListQuery,
  type TaggedPage,
} from "../domain/catalog/catalog-store";
import { checkTags, type Tag } from "../domain/catalog/entry-tags";
import type { QueueSubscription } from "../domain/catalog/queue-subscriptions";
import { CATALOG_MIGRATIONS } from "../domain/catalog/schema";
import { type CmqErrorData, fail } from "../domain/errors";
import { nameKey, newObjectId, topicObjectName } from "../domain/object-names";
import { attempt, attemptAsync, type Outcome, unwrap } from "../domain/outcome";
import type { DeadLetterPolicy, QueueAttributes } from "../domain/queue/meta";
import type { QueueView } from "../domain/queue/queue-store";
import type { RequestStamp } from "../domain/replay-guard";
import { migrate } from "../domain/sql";
import type { MetricsPage } from "../domain/tenant-metrics";
import type { NewSubscription, Subscription } from "../domain/topic/subscriptions";
import type { NewTopic, TopicView } from "../domain/topic/topic-store";
import { AlarmSchedule } from "./alarm-schedule";
import { clock } from "./clock";
import { gatherQueues, gatherTopics } from "./metrics-gathering";
import { NameLocks } from "./name-locks";
import { QueueClient } from "./queue-client/queue-client";
import { durableSql } from "./sql-adapter";

/** What the catalog needs to create a queue or topic object. */
interface Managed<View> {
  exists(): Promise<boolean>;
  create(id: string): Promise<Outcome<View>>;
}

/** The lock every dead-letter binding change takes, after its queue's own lock. */
const DEAD_LETTER_LOCK = "dead-letter-bindings";

export class CatalogObject extends DurableObject<Env> {
  private readonly store: CatalogStore;
  private readonly alarms: AlarmSchedule;
  private readonly locks = new NameLocks();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = durableSql(ctx.storage);
    this.store = new CatalogStore(sql);
    this.alarms = new AlarmSchedule(ctx.storage, this.store);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(sql, CATALOG_MIGRATIONS);
      await this.alarms.load();
    });
  }

  async createQueue(
    appId: string,
    name: string,
    attributes: QueueAttributes,
    deadLetterPolicy: DeadLetterPolicy | null,
    stamp?: RequestStamp,
    tags: Tag[] = [],
  ) {
    const stub = this.queue(appId, name);
    return this.create<QueueView>(
      "queue",
      name,
      stamp,
      tags,
      { kind: "queueAlreadyExists", queue: name },
      {
        exists: () => stub.exists(),
        create: async (id) => {
          if (deadLetterPolicy) {
            const bound = await attemptAsync(() => this.bind(appId, name, deadLetterPolicy));
            if (!bound.ok) return bound;
          }
          const created = await stub.create({
            name,
            queueId: id,
            appId,
            attributes,
            deadLetterPolicy,
          });
          if (!created.ok && deadLetterPolicy) this.store.unbindDeadLetter(name);
          return created;
        },
      },
    );
  }

  async deleteQueue(appId: string, name: string, stamp?: RequestStamp): Promise<Outcome<void>> {
    const stub = this.queue(appId, name);
    return this.destroy("queue", name, stamp, { kind: "queueNotFound", queue: name }, () =>
      this.locks.with(DEAD_LETTER_LOCK, async () => {
        this.store.checkDeletable(name);
        const existed = await stub.destroy();
        this.store.unbindDeadLetter(name);
        return { ok: true, value: existed };
      }),
    );
  }

  /**
   * Changes a queue's attributes together with its dead-letter policy (null clears it), keeping
   * the bindings in step: bound first, then set on the queue in one transaction with the
   * attributes; if the queue refuses, the earlier binding is put back.
   */
  async setQueueAttributes(
    appId: string,
    name: string,
    patch: Partial<QueueAttributes>,
    policy: DeadLetterPolicy | null,
    stamp?: RequestStamp,
  ): Promise<Outcome<QueueView>> {
    return this.locks.with(`queue/${nameKey(name)}`, () =>
      attemptAsync(async () => {
        const earlier = this.store.deadLetterBinding(name);
        if (policy) await this.bind(appId, name, policy);
        else this.store.unbindDeadLetter(name);
        const set = await this.queue(appId, name).setAttributes(
          { queue: name, stamp },
          patch,
          policy,
        );
        if (!set.ok) {
          await this.locks.with(DEAD_LETTER_LOCK, async () =>
            this.store.restoreDeadLetterBinding(name, earlier),
          );
        }
        return unwrap(set);
      }),
    );
  }

  async deadLetterSources(dlq: string, query: ListQuery): Promise<Outcome<ListPage>> {
    return attempt(() => this.store.deadLetterSources(dlq, query));
  }

  /** Binds `source` to its dead-letter queue, which must exist. Fails with the binding rules. */
  private async bind(appId: string, source: string, policy: DeadLetterPolicy): Promise<void> {
    const dlq = policy.deadLetterQueue;
    if (nameKey(dlq) !== nameKey(source) && !(await this.queue(appId, dlq).exists())) {
      fail({ kind: "deadLetterQueueNotFound", queue: dlq });
    }
    // Bindings change one at a time per tenant: the rules span two queues.
    await this.locks.with(DEAD_LETTER_LOCK, async () => this.store.bindDeadLetter(source, dlq));
  }

  private queue(appId: string, name: string): QueueClient {
    return new QueueClient(this.env, appId, name);
  }

  async createTopic(
    appId: string,
    settings: Omit<NewTopic, "topicId" | "appId">,
    stamp?: RequestStamp,
    tags: Tag[] = [],
  ) {
    const name = settings.name;
    const stub = this.topic(appId, name);
    return this.create<TopicView>(
      "topic",
      name,
      stamp,
      tags,
      { kind: "topicAlreadyExists", topic: name },
      {
        exists: () => stub.exists(),
        create: (id) => stub.create({ ...settings, topicId: id, appId }),
      },
    );
  }

  private topic(appId: string, name: string) {
    return this.env.TOPIC.get(this.env.TOPIC.idFromName(topicObjectName(appId, name)));
  }

  /**
   * Subscribes through the catalog, so the index of which subscriptions push into which queue
   * (queue-subscriptions.ts) never misses one: the row first, then the topic; a refused
   * subscription takes back a row it added.
   */
  async subscribe(
    appId: string,
    topic: string,
    subscription: NewSubscription,
    stamp?: RequestStamp,
  ): Promise<Outcome<Subscription>> {
    const entry = { topic, subscription: subscription.name };
    return this.locks.with(
      `subscription/${nameKey(topic)}/${nameKey(subscription.name)}`,
      async () => {
        const fresh =
          subscription.protocol === "queue" &&
          this.store.addQueueSubscription(subscription.endpoint, entry, clock.now());
        const done = await this.topic(appId, topic).subscribe({ topic, stamp }, subscription);
        if (!done.ok && fresh) this.store.removeQueueSubscription(entry);
        return done;
      },
    );
  }

  /** Unsubscribes, then drops the subscription from the queue index. */
  async unsubscribe(
    appId: string,
    topic: string,
    name: string,
    stamp?: RequestStamp,
  ): Promise<Outcome<void>> {
    return this.locks.with(`subscription/${nameKey(topic)}/${nameKey(name)}`, async () => {
      const done = await this.topic(appId, topic).unsubscribe({ topic, stamp }, name);
      if (done.ok) this.store.removeQueueSubscription({ topic, subscription: name });
      return done;
    });
  }

  /** The subscriptions the index says push into `queue`, one page (see subscribe). */
  async queueSubscriptions(
    queue: string,
    query: ListQuery,
  ): Promise<Outcome<{ total: number; entries: QueueSubscription[] }>> {
    return attempt(() => this.store.queueSubscriptions(queue, query));
  }

  /** API 3.0's Describe*: names with their tags, filtered by names and tags. */
  async listTagged(
    kind: EntryKind,
    query: FilteredQuery,
    stamp?: RequestStamp,
  ): Promise<Outcome<TaggedPage>> {
    return this.alarms.afterChange(attempt(() => this.store.listTagged(kind, query, stamp)));
  }

  async deleteTopic(appId: string, name: string, stamp?: RequestStamp): Promise<Outcome<void>> {
    const stub = this.topic(appId, name);
    return this.destroy("topic", name, stamp, { kind: "topicNotFound", topic: name }, () =>
      stub.destroy({ topic: name }),
    );
  }

  async list(kind: EntryKind, query: ListQuery, stamp?: RequestStamp): Promise<Outcome<ListPage>> {
    return this.alarms.afterChange(attempt(() => this.store.list(kind, query, stamp)));
  }

  /**
   * GET /metrics: the metrics of one page of the tenant's queues or topics (metrics-gathering.ts);
   * the Worker pages on, so no one invocation calls more than a page's objects.
   */
  async metricsPage(
    appId: string,
    kind: EntryKind,
    offset: number,
    limit: number,
  ): Promise<MetricsPage> {
    const page = this.store.list(kind, { offset, limit });
    return kind === "queue"
      ? gatherQueues(this.env, appId, page)
      : gatherTopics(this.env, appId, page);
  }

  override async alarm(): Promise<void> {
    await this.alarms.run();
  }

  private create<View>(
    kind: EntryKind,
    name: string,
    stamp: RequestStamp | undefined,
    tags: Tag[],
    duplicate: CmqErrorData,
    object: Managed<View>,
  ): Promise<Outcome<View>> {
    return this.locks.with(`${kind}/${nameKey(name)}`, async () => {
      const outcome = await attemptAsync(async () => {
        checkTags(tags);
        const registration = this.store.register(
          kind,
          { name, id: newObjectId(kind) },
          clock.now(),
          stamp,
          tags,
        );
        return this.forgettingOnFailure(stamp, async () => {
          // A registered name without a live object is what a crash mid-create leaves: finish it.
          if (!registration.fresh && (await object.exists())) fail(duplicate);
          const created = await object.create(registration.id);
          if (!created.ok && registration.fresh) this.store.unregister(kind, name);
          return unwrap(created);
        });
      });
      return this.alarms.afterChange(outcome);
    });
  }

  private destroy(
    kind: EntryKind,
    name: string,
    stamp: RequestStamp | undefined,
    missing: CmqErrorData,
    remove: () => Promise<Outcome<boolean>>,
  ): Promise<Outcome<void>> {
    return this.locks.with(`${kind}/${nameKey(name)}`, async () => {
      const outcome = await attemptAsync(async () => {
        // Refuse a replay before destroying anything: it could hit a re-created object.
        this.store.admit(stamp);
        await this.forgettingOnFailure(stamp, async () => {
          const existed = unwrap(await remove());
          const listed = this.store.unregister(kind, name);
          if (!existed && !listed) fail(missing);
        });
      });
      return this.alarms.afterChange(outcome);
    });
  }

  /**
   * Runs the rest of a request whose stamp is already recorded (create and delete span several
   * objects, so no one transaction holds both), forgetting the stamp if it fails: an identical
   * retry of a failed request is executed, not refused as "already executed".
   */
  private async forgettingOnFailure<T>(
    stamp: RequestStamp | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (e) {
      this.store.forget(stamp);
      throw e;
    }
  }
}
