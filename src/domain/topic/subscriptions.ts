/** Subscription rows: create, read, change, list and remove, inside the topic's transactions. */
import { fail } from "../errors";
import { SUBSCRIPTION_LIMITS } from "../limits";
import type { SqlPort } from "../sql";
import type { NotifyStrategy } from "./retry-schedule";
import {
  type ContentFormat,
  checkBindingKeys,
  checkEndpoint,
  checkFilterTags,
  contentFormatFor,
  DEFAULT_NOTIFY_STRATEGY,
  type Protocol,
} from "./subscription-rules";

export interface SubscriptionSettings {
  notifyStrategy: NotifyStrategy;
  contentFormat: ContentFormat;
  filterTags: string[];
  bindingKeys: string[];
}

export interface NewSubscription extends Partial<SubscriptionSettings> {
  name: string;
  subscriptionId: string;
  protocol: Protocol;
  endpoint: string;
}

export interface Subscription extends SubscriptionSettings {
  /** Internal key of the subscription's outbox rows. */
  id: number;
  name: string;
  subscriptionId: string;
  protocol: Protocol;
  endpoint: string;
  createdAt: number;
  modifiedAt: number;
  routedCount: number;
  pendingCount: number;
  deliveredCount: number;
  droppedCount: number;
  /** Delivery attempts that failed, each retry counted. */
  failedCount: number;
  /** The last failed delivery's cause, until a delivery succeeds again. */
  lastError: string | null;
  /** When lastError happened (Unix ms). */
  lastErrorAt: number | null;
}

interface SubscriptionRow {
  [column: string]: string | number | null;
  id: number;
  name: string;
  subscription_id: string;
  protocol: string;
  endpoint: string;
  notify_strategy: string;
  content_format: string;
  filter_tags: string;
  binding_keys: string;
  created_at: number;
  modified_at: number;
  routed_count: number;
  pending_count: number;
  delivered_count: number;
  dropped_count: number;
  failed_count: number;
  last_error: string | null;
  last_error_at: number | null;
}

function fromRow(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    name: r.name,
    subscriptionId: r.subscription_id,
    protocol: r.protocol as Protocol,
    endpoint: r.endpoint,
    notifyStrategy: r.notify_strategy as NotifyStrategy,
    contentFormat: r.content_format as ContentFormat,
    filterTags: JSON.parse(r.filter_tags),
    bindingKeys: JSON.parse(r.binding_keys),
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
    routedCount: r.routed_count,
    pendingCount: r.pending_count,
    deliveredCount: r.delivered_count,
    droppedCount: r.dropped_count,
    failedCount: r.failed_count,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
  };
}

const key = (name: string) => name.toLowerCase();

export function allSubscriptions(sql: SqlPort): Subscription[] {
  return sql.all<SubscriptionRow>("SELECT * FROM subscription ORDER BY id").map(fromRow);
}

export function findSubscription(sql: SqlPort, name: string): Subscription | undefined {
  const row = sql.first<SubscriptionRow>(
    "SELECT * FROM subscription WHERE name_key = ?",
    key(name),
  );
  return row ? fromRow(row) : undefined;
}

export function findSubscriptionById(sql: SqlPort, id: number): Subscription | undefined {
  const row = sql.first<SubscriptionRow>("SELECT * FROM subscription WHERE id = ?", id);
  return row ? fromRow(row) : undefined;
}

/**
 * Stores a new subscription. Fails: subscriptionAlreadyExists, subscriptionLimitReached,
 * invalidEndpoint, endpointHasBlanks, tooManyFilterTags, tooManyBindingKeys, invalidRoutingKey.
 */
export function insertSubscription(sql: SqlPort, s: NewSubscription, now: number): Subscription {
  checkEndpoint(s.protocol, s.endpoint);
  const filterTags = s.filterTags ?? [];
  const bindingKeys = s.bindingKeys ?? [];
  checkFilterTags(filterTags);
  checkBindingKeys(bindingKeys);
  if (findSubscription(sql, s.name))
    fail({ kind: "subscriptionAlreadyExists", subscription: s.name });
  const count = sql.first<{ n: number }>("SELECT COUNT(*) AS n FROM subscription")?.n ?? 0;
  if (count >= SUBSCRIPTION_LIMITS.perTopic) {
    fail({ kind: "subscriptionLimitReached", limit: SUBSCRIPTION_LIMITS.perTopic });
  }
  sql.run(
    `INSERT INTO subscription (name_key, name, subscription_id, protocol, endpoint, notify_strategy,
       content_format, filter_tags, binding_keys, created_at, modified_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    key(s.name),
    s.name,
    s.subscriptionId,
    s.protocol,
    s.endpoint,
    s.notifyStrategy ?? DEFAULT_NOTIFY_STRATEGY,
    contentFormatFor(s.protocol, s.contentFormat),
    JSON.stringify(filterTags),
    JSON.stringify(bindingKeys),
    now,
    now,
  );
  return findSubscription(sql, s.name) as Subscription;
}

/** Applies a settings change. Fails like insertSubscription for the fields it changes. */
export function updateSubscription(
  sql: SqlPort,
  current: Subscription,
  patch: Partial<SubscriptionSettings>,
  now: number,
): void {
  if (patch.filterTags) checkFilterTags(patch.filterTags);
  if (patch.bindingKeys) checkBindingKeys(patch.bindingKeys);
  const next = { ...current, ...patch };
  sql.run(
    `UPDATE subscription SET notify_strategy = ?, content_format = ?, filter_tags = ?,
       binding_keys = ?, modified_at = ? WHERE id = ?`,
    next.notifyStrategy,
    contentFormatFor(current.protocol, next.contentFormat),
    JSON.stringify(next.filterTags),
    JSON.stringify(next.bindingKeys),
    now,
    current.id,
  );
}

/** Removes the subscription; its outbox rows are purged in chunks by the chores. */
export function deleteSubscription(sql: SqlPort, s: Subscription): void {
  sql.run("DELETE FROM subscription WHERE id = ?", s.id);
  if (s.pendingCount > 0) sql.run("INSERT INTO purged_subscription (id) VALUES (?)", s.id);
}
