/**
 * The topic's operations over its own SQLite: attributes, subscriptions, publishing into the outbox,
 * and the bookkeeping of deliveries (which run outside, in the object shell, because they do I/O).
 * Pure domain: the caller supplies `now` (Unix ms) and the storage port.
 * @module
 */
import type { ChoreReport } from "../chore-report";
import { earliest } from "../chore-report";
import { fail } from "../errors";
import { randomSeqBase } from "../ids";
import { TOPIC_LIMITS } from "../limits";
import { attempt, type Outcome } from "../outcome";
import {
  forgetExpiredRequests,
  nextRequestExpiry,
  type RequestStamp,
  recordRequest,
} from "../replay-guard";
import { LazySchema, type SqlPort } from "../sql";
import type { FilterType } from "./filter";
import {
  type DueEntry,
  dueEntries,
  expireOld,
  hasDue,
  nextOutboxTime,
  purgeUnsubscribed,
  recordFailure,
  settleRows,
} from "./outbox";
import { type PublishGroup, publishGroup } from "./publish";
import { TOPIC_MIGRATIONS } from "./schema";
import {
  allSubscriptions,
  deleteSubscription,
  findSubscription,
  findSubscriptionById,
  insertSubscription,
  type NewSubscription,
  type Subscription,
  type SubscriptionSettings,
  updateSubscription,
} from "./subscriptions";
import { findTopicMeta, insertTopicMeta, saveTopicMeta, type TopicMeta } from "./topic-meta";

export interface TopicCall {
  topic: string;
  stamp?: RequestStamp;
  /** Answer a missing topic with 4000 instead of 4440 (the actions where SDK tests expect it). */
  missingAsParameterError?: boolean;
}

export interface NewTopic {
  name: string;
  topicId: string;
  appId: string;
  maxMsgSize: number;
  filterType: FilterType;
  msgRetentionSeconds?: number;
  trace?: number;
}

/** What SetTopicAttributes / ModifyCmqTopicAttribute may change. */
export interface TopicSettings {
  maxMsgSize?: number;
  msgRetentionSeconds?: number;
  trace?: number;
}

export interface TopicView {
  name: string;
  topicId: string;
  appId: string;
  maxMsgSize: number;
  filterType: FilterType;
  msgRetentionSeconds: number;
  trace: number;
  msgCount: number;
  createdAt: number;
  modifiedAt: number;
  /** Filled in by attributes(). */
  subscriptionCount?: number;
}

export interface DueDeliveries {
  topic: TopicView;
  subscription: Subscription;
  entries: DueEntry[];
}

export interface SubscriptionPage {
  total: number;
  subscriptions: Subscription[];
}

function view(m: TopicMeta): TopicView {
  return {
    name: m.name,
    topicId: m.topicId,
    appId: m.appId,
    maxMsgSize: m.maxMsgSize,
    filterType: m.filterType,
    msgRetentionSeconds: m.msgRetentionSeconds,
    trace: m.trace,
    msgCount: m.msgCount,
    createdAt: m.createdAt,
    modifiedAt: m.modifiedAt,
  };
}

export class TopicStore {
  private readonly schema: LazySchema;
  /** Subscriptions as stored, rebuilt after any change: publishing reads them on every call. */
  private cached: Subscription[] | undefined;

  constructor(
    private readonly sql: SqlPort,
    private readonly random: () => number = Math.random,
  ) {
    this.schema = new LazySchema(sql, TOPIC_MIGRATIONS);
  }

  forgetStorage(): void {
    this.schema.forget();
    this.cached = undefined;
  }

  private findMeta(): TopicMeta | undefined {
    return this.schema.ready ? findTopicMeta(this.sql) : undefined;
  }

  private requireMeta(call: TopicCall): TopicMeta {
    return (
      this.findMeta() ??
      fail({
        kind: "topicNotFound",
        topic: call.topic,
        asParameterError: call.missingAsParameterError,
      })
    );
  }

  private subscriptions(): Subscription[] {
    this.cached ??= allSubscriptions(this.sql);
    return this.cached;
  }

  /** Runs `fn` in a transaction on an existing topic, recording the request stamp first. */
  private change<T>(call: TopicCall, fn: (meta: TopicMeta) => T): T {
    return this.sql.transaction(() => {
      const meta = this.requireMeta(call);
      recordRequest(this.sql, call.stamp);
      const result = fn(meta);
      saveTopicMeta(this.sql, meta);
      return result;
    });
  }

  /** Like change, for edits of subscriptions: the cache is dropped whatever the outcome. */
  private changeSubscriptions<T>(call: TopicCall, fn: (meta: TopicMeta) => T): T {
    this.cached = undefined;
    try {
      return this.change(call, fn);
    } finally {
      this.cached = undefined;
    }
  }

  private requireSubscription(name: string, asParameterError = false): Subscription {
    return (
      findSubscription(this.sql, name) ??
      fail({ kind: "subscriptionNotFound", subscription: name, asParameterError })
    );
  }

  exists(): boolean {
    return this.findMeta() !== undefined;
  }

  /** The topic's name as created, for traces of what it delivers. */
  topicName(): string {
    return this.findMeta()?.name ?? "";
  }

  /** Fails: topicAlreadyExists. */
  create(topic: NewTopic, now: number): TopicView {
    this.schema.ensure();
    return this.sql.transaction(() => {
      if (this.findMeta()) fail({ kind: "topicAlreadyExists", topic: topic.name });
      const meta: TopicMeta = {
        ...topic,
        msgRetentionSeconds: topic.msgRetentionSeconds ?? TOPIC_LIMITS.msgRetentionSeconds.default,
        trace: topic.trace ?? 0,
        shard: 0,
        createdAt: now,
        modifiedAt: now,
        nextSeq: randomSeqBase(this.random),
        msgCount: 0,
      };
      insertTopicMeta(this.sql, meta);
      return view(meta);
    });
  }

  attributes(call: TopicCall): TopicView {
    return this.change(call, (meta) => ({
      ...view(meta),
      subscriptionCount: this.subscriptions().length,
    }));
  }

  /** Changes the given settings; a shorter retention expires older messages at the next chores. */
  setAttributes(call: TopicCall, patch: TopicSettings, now: number): TopicView {
    return this.change(call, (meta) => {
      meta.maxMsgSize = patch.maxMsgSize ?? meta.maxMsgSize;
      meta.msgRetentionSeconds = patch.msgRetentionSeconds ?? meta.msgRetentionSeconds;
      meta.trace = patch.trace ?? meta.trace;
      meta.modifiedAt = now;
      return view(meta);
    });
  }

  subscriptionCount(call: TopicCall): number {
    this.requireMeta(call);
    return this.subscriptions().length;
  }

  subscribe(call: TopicCall, subscription: NewSubscription, now: number): Subscription {
    return this.changeSubscriptions(call, () => insertSubscription(this.sql, subscription, now));
  }

  unsubscribe(call: TopicCall, name: string): void {
    this.changeSubscriptions(call, () =>
      deleteSubscription(this.sql, this.requireSubscription(name)),
    );
  }

  subscription(call: TopicCall, name: string): Subscription {
    return this.change(call, () => this.requireSubscription(name, call.missingAsParameterError));
  }

  setSubscription(
    call: TopicCall,
    name: string,
    patch: Partial<SubscriptionSettings>,
    now: number,
  ): Subscription {
    return this.changeSubscriptions(call, () => {
      updateSubscription(
        this.sql,
        this.requireSubscription(name, call.missingAsParameterError),
        patch,
        now,
      );
      return this.requireSubscription(name);
    });
  }

  /** What GET /metrics reports of the topic: its stored messages and every subscription's counts. */
  metrics(call: TopicCall): { view: TopicView; subscriptions: Subscription[] } {
    const meta = this.requireMeta(call);
    return { view: view(meta), subscriptions: this.subscriptions() };
  }

  /** Subscriptions whose name contains `searchWord` (case-insensitive), oldest first. */
  listSubscriptions(
    call: TopicCall,
    query: { searchWord?: string; offset: number; limit: number },
  ): SubscriptionPage {
    return this.change(call, () => {
      const word = (query.searchWord ?? "").toLowerCase();
      const matching = this.subscriptions().filter((s) => s.name.toLowerCase().includes(word));
      return {
        total: matching.length,
        subscriptions: matching.slice(query.offset, query.offset + query.limit),
      };
    });
  }

  /** Stores each group whole or refuses it whole; one group's failure does not affect the others. */
  publish(call: TopicCall, groups: readonly PublishGroup[], now: number): Outcome<bigint[]>[] {
    return this.change(call, (meta) =>
      groups.map((group) =>
        attempt(() => publishGroup(this.sql, meta, this.subscriptions(), group, now)),
      ),
    );
  }

  /** The subscriptions with deliveries due at `now`. */
  dueSubscriptions(now: number): Subscription[] {
    if (!this.findMeta()) return [];
    return this.subscriptions().filter((s) => hasDue(this.sql, s.id, now));
  }

  /**
   * Up to `limit` due deliveries of one subscription, with the topic and the subscription as they
   * stand now; undefined once the topic or the subscription is gone.
   */
  dueDeliveries(subscriptionId: number, now: number, limit: number): DueDeliveries | undefined {
    const meta = this.findMeta();
    const subscription = meta && findSubscriptionById(this.sql, subscriptionId);
    if (!meta || !subscription) return undefined;
    return {
      topic: view(meta),
      subscription,
      entries: dueEntries(this.sql, meta, subscriptionId, now, limit),
    };
  }

  delivered(subscriptionId: number, seqs: readonly number[]): void {
    this.bookkeep((meta) => settleRows(this.sql, meta, subscriptionId, seqs, "delivered"));
  }

  failed(
    subscriptionId: number,
    entry: DueEntry,
    error: string,
    permanent: boolean,
    now: number,
  ): void {
    this.bookkeep((meta) => {
      const subscription = findSubscriptionById(this.sql, subscriptionId);
      if (subscription) recordFailure(this.sql, meta, subscription, entry, error, permanent, now);
    });
  }

  /** Delivery results may arrive after an Unsubscribe or DeleteTopic: then there is nothing to do. */
  private bookkeep(fn: (meta: TopicMeta) => void): void {
    this.cached = undefined;
    this.sql.transaction(() => {
      const meta = this.findMeta();
      if (!meta) return;
      fn(meta);
      saveTopicMeta(this.sql, meta);
    });
  }

  /** Expires old messages, purges unsubscribed rows and forgets old request stamps, a chunk each. */
  chores(now: number): ChoreReport {
    if (!this.schema.ready) return { more: false, nextAt: null };
    this.cached = undefined;
    return this.sql.transaction(() => {
      let more = forgetExpiredRequests(this.sql, now);
      const meta = this.findMeta();
      if (meta) {
        more = expireOld(this.sql, meta, this.subscriptions(), now) || more;
        more = purgeUnsubscribed(this.sql, meta) || more;
        saveTopicMeta(this.sql, meta);
      }
      return { more, nextAt: this.nextChoreAt() };
    });
  }

  nextChoreAt(): number | null {
    if (!this.schema.ready) return null;
    const meta = this.findMeta();
    return earliest(nextRequestExpiry(this.sql), meta ? nextOutboxTime(this.sql, meta) : null);
  }
}
