/**
 * cmq-edge's views as API 3.0's CmqQueue, CmqTopic and CmqSubscription (tdmq-api3.md §2): times of
 * queues, topics and subscriptions in milliseconds as Tencent's examples show them, MinMsgTime in
 * seconds, and null for what cmq-edge has no value for.
 * @module
 */
import { unixSeconds } from "../../contract/unix-seconds";
import type { CatalogEntry, TaggedEntry } from "../../domain/catalog/catalog-store";
import type { Tag } from "../../domain/catalog/entry-tags";
import { DELAY_SECONDS, TRANSACTION_LIMITS } from "../../domain/limits";
import type { QueueView } from "../../domain/queue/queue-store";
import type { Subscription } from "../../domain/topic/subscriptions";
import type { TopicView } from "../../domain/topic/topic-store";

/** Tencent's Status: 1 is "normal", the state of every queue and topic that answers. */
const RUNNING = 1;

const tagFields = (tags: readonly Tag[]) => tags.map((t) => ({ TagKey: t.key, TagValue: t.value }));

/** A numeric appId as the number API 3.0 carries (TopicOwner), else null. */
function ownerNumber(appId: string): number | null {
  return /^[0-9]{1,15}$/.test(appId) ? Number(appId) : null;
}

export function cmqQueue(appId: string, view: QueueView, entry?: TaggedEntry) {
  const a = view.attributes;
  const p = view.deadLetterPolicy;
  return {
    QueueId: view.queueId,
    QueueName: view.name,
    Qps: null,
    Bps: null,
    MaxDelaySeconds: DELAY_SECONDS.max,
    MaxMsgHeapNum: a.maxMsgHeapNum,
    PollingWaitSeconds: a.pollingWaitSeconds,
    MsgRetentionSeconds: a.msgRetentionSeconds,
    VisibilityTimeout: a.visibilityTimeout,
    MaxMsgSize: a.maxMsgSize,
    RewindSeconds: a.rewindSeconds,
    CreateTime: view.createdAt,
    LastModifyTime: view.modifiedAt,
    ActiveMsgNum: view.activeMsgNum,
    InactiveMsgNum: view.inactiveMsgNum,
    DelayMsgNum: view.delayMsgNum,
    RewindMsgNum: view.rewindMsgNum,
    MinMsgTime: unixSeconds(view.minMsgTime),
    // Every queue takes transaction messages over TCP; the producer's interval applies.
    Transaction: true,
    DeadLetterSource: (entry?.deadLetterSources ?? []).map((s: CatalogEntry) => ({
      QueueId: s.id,
      QueueName: s.name,
    })),
    DeadLetterPolicy: p
      ? {
          DeadLetterQueue: p.deadLetterQueue,
          Policy: p.policy,
          MaxTimeToLive: p.maxTimeToLive ?? null,
          MaxReceiveCount: p.maxReceiveCount ?? null,
        }
      : null,
    TransactionPolicy: {
      FirstQueryInterval: TRANSACTION_LIMITS.queryIntervalSeconds.default,
      MaxQueryCount: TRANSACTION_LIMITS.maxQueries,
    },
    CreateUin: null,
    Tags: tagFields(entry?.tags ?? []),
    Trace: a.trace === 1,
    TenantId: `cmq-${appId}`,
    NamespaceName: `CMQ_QUEUE-${view.name}`,
    Status: RUNNING,
    MaxUnackedMsgNum: null,
    MaxMsgBacklogSize: null,
    RetentionSizeInMB: null,
  };
}

export function cmqTopic(appId: string, view: TopicView, entry?: TaggedEntry) {
  return {
    TopicId: view.topicId,
    TopicName: view.name,
    MsgRetentionSeconds: view.msgRetentionSeconds,
    MaxMsgSize: view.maxMsgSize,
    Qps: null,
    FilterType: view.filterType,
    CreateTime: view.createdAt,
    LastModifyTime: view.modifiedAt,
    MsgCount: view.msgCount,
    CreateUin: null,
    Tags: tagFields(entry?.tags ?? []),
    Trace: view.trace === 1,
    TenantId: `cmq-${appId}`,
    NamespaceName: `CMQ_TOPIC-${view.name}`,
    Status: RUNNING,
    BrokerType: null,
    SubscriptionCount: view.subscriptionCount ?? null,
  };
}

export function cmqSubscription(appId: string, topic: string, s: Subscription) {
  return {
    SubscriptionName: s.name,
    SubscriptionId: s.subscriptionId,
    TopicOwner: ownerNumber(appId),
    // Messages waiting to be delivered to this subscription.
    MsgCount: s.pendingCount,
    LastModifyTime: s.modifiedAt,
    CreateTime: s.createdAt,
    BindingKey: s.bindingKeys,
    Endpoint: s.endpoint,
    FilterTags: s.filterTags,
    Protocol: s.protocol,
    NotifyStrategy: s.notifyStrategy,
    NotifyContentFormat: s.contentFormat,
    TopicName: topic,
  };
}
