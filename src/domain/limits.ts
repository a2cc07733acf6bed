/**
 * Every CMQ limit and default in one place (cmq-api-http.md §4, §9 R1). Transport schemas and domain
 * checks read these instead of repeating numbers.
 * @module
 */

export interface Range {
  min: number;
  max: number;
}

export interface RangeWithDefault extends Range {
  default: number;
}

/** Queue attributes settable by CreateQueue / SetQueueAttributes, with CMQ's ranges and defaults. */
export const QUEUE_ATTRIBUTE_LIMITS = {
  maxMsgHeapNum: { min: 1_000_000, max: 1_000_000_000, default: 100_000_000 },
  pollingWaitSeconds: { min: 0, max: 30, default: 0 },
  visibilityTimeout: { min: 1, max: 43_200, default: 30 },
  // Post-2019 CMQ and the Java SDK tests allow 1 MiB messages (§9 R1).
  maxMsgSize: { min: 1024, max: 1_048_576, default: 65_536 },
  msgRetentionSeconds: { min: 60, max: 1_296_000, default: 345_600 },
  // Upper bound is also capped by msgRetentionSeconds (checked in the domain).
  rewindSeconds: { min: 0, max: 1_296_000, default: 0 },
  // cmq-edge's own: 1 records each message's lifecycle (EdgeGetMessageTrace), as API 3.0's Trace.
  trace: { min: 0, max: 1, default: 0 },
  // cmq-edge's own: how many objects hold the queue's messages (src/objects/queue-client/).
  // Fixed at CreateQueue.
  shards: { min: 1, max: 16, default: 1 },
} as const satisfies Record<string, RangeWithDefault>;

export type QueueAttributeName = keyof typeof QUEUE_ATTRIBUTE_LIMITS;

/** Dead-letter policies (cmq-api-http.md §4.1 deadLetterPolicy) and redrive (cmq-edge's own). */
export const DEAD_LETTER_LIMITS = {
  maxReceiveCount: { min: 1, max: 1000 },
  maxTimeToLive: { min: 300, max: 43_200 },
  /** Source queues one dead-letter queue may serve. */
  sourcesPerQueue: 6,
  /** Messages moved to a dead-letter queue per object call. */
  moveBatch: 64,
  /** How long a dead-letter queue remembers a hand-off it accepted, to take a retry only once. */
  handOffMemoryMs: 24 * 3600 * 1000,
  /** After a failed move, wait this long before trying again. */
  retryAfterMs: 10_000,
  redriveRate: { min: 1, max: 1000, default: 100 },
} as const;

/**
 * Transaction (half) messages (cmq-api-tcp.md "Transactions"): the producer is asked back every
 * first_query_interval seconds, up to maxQueries times; a message still unresolved then is rolled
 * back.
 */
export const TRANSACTION_LIMITS = {
  queryIntervalSeconds: { min: 1, max: 3600, default: 5 },
  maxQueries: 5,
  /** Half messages per confirm frame. */
  maxItems: 16,
} as const;

/** Topic attributes (cmq-api-http.md §5.1, §5.4): a topic keeps undelivered messages one day. */
export const TOPIC_LIMITS = {
  maxMsgSize: { min: 1024, max: 1_048_576, default: 65_536 },
  // API 3.0's MsgRetentionSeconds; API 2.0 topics keep the default.
  msgRetentionSeconds: { min: 60, max: 86_400, default: 86_400 },
  filterType: { tags: 1, routing: 2, default: 1 },
} as const;

/** Subscription limits (§5.6, §5.8). */
export const SUBSCRIPTION_LIMITS = {
  perTopic: 100,
  tags: 5,
  tagLength: 16,
  bindingKeys: 5,
  routingKeyBytes: 64,
  routingKeyDots: 15,
  endpointLength: 500,
} as const;

export const MAX_TOPICS_PER_TENANT = 1000;
export const SUBSCRIPTION_LIST_LIMIT = { default: 20, min: 0, max: 100 } as const;
export const SUBSCRIPTION_LIST_OFFSET = { min: 0, max: 1000 } as const;

/** The TCP bridge's defaults (tcp-bridge/src/config.ts lets each be changed). */
export const TCP_LIMITS = {
  port: 6380,
  /** Largest frame accepted: a full batch of 1 MiB plus protocol overhead. */
  maxFrameBytes: 2 * 1024 * 1024,
  /** A connection silent this long is closed (the Java SDK sends a heartbeat after 3 s idle). */
  idleTimeoutMs: 60_000,
  /** Requests in flight per connection and per bridge before the bridge stops reading. */
  maxInFlightPerConnection: 256,
  maxInFlightTotal: 8192,
  maxConnections: 10_000,
  /** How long shutdown waits for in-flight requests before failing them. */
  shutdownGraceMs: 5_000,
} as const;

/** An HTTP push that has not answered by then counts as failed (CMQ waits about 15 s). */
export const PUSH_TIMEOUT_MS = 15_000;

/** Messages per BatchSend / BatchReceive / BatchDelete (`name.N` arrays). */
export const MAX_BATCH = 16;
/**
 * Messages one coalesced receive of the TCP bridge may take: several pull frames' worth, kept
 * within the statement's bound-parameter limit (src/domain/sql.ts).
 */
export const MAX_COALESCED_RECEIVE = 64;
/** Receipt handles one (coalesced) delete call may carry: HTTP requests or TCP frames together. */
export const MAX_COALESCED_DELETE = 256;
/** Sum of message bodies in one batch send (ERRTAB 4470/10300). */
export const MAX_BATCH_BYTES = 1_048_576;
export const DELAY_SECONDS: Range = { min: 0, max: 3600 };
export const POLLING_WAIT_SECONDS: Range = QUEUE_ATTRIBUTE_LIMITS.pollingWaitSeconds;
/** EdgeChangeMessageVisibility: 0 (visible now) up to the longest visibilityTimeout a queue takes. */
export const CHANGE_VISIBILITY_SECONDS: Range = {
  min: 0,
  max: QUEUE_ATTRIBUTE_LIMITS.visibilityTimeout.max,
};

/** Queue, topic and subscription names (§4: letter first, ≤ 64; `_` accepted as GOTC and PHPX use it). */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_QUEUES_PER_TENANT = 1000;
export const LIST_LIMIT = { default: 20, min: 0, max: 50 } as const;

/**
 * Largest request body or query string accepted. A 1 MiB batch of multi-byte UTF-8 text grows to
 * about 3 MiB when percent-encoded, so 4 MiB leaves room without letting a client exhaust memory.
 */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Parameters per request: a 16-message batch plus common parameters fits easily. */
export const MAX_PARAMETERS = 128;

/**
 * Receivers parked in one queue's long polls at once. Each holds a request open; beyond this a
 * receive is refused at once (4420) rather than letting one queue hold unbounded requests.
 */
export const MAX_WAITERS_PER_QUEUE = 1000;

/**
 * Tencent Cloud API 3.0 (tdmq-api3.md §2, §3), where TDMQ documents ranges or defaults of its own.
 * Its MsgRetentionSeconds is the queue's msgRetentionSeconds (how long a message not yet deleted
 * stays), within TDMQ's narrower range and with its default (README, "API 3.0").
 */
export const API3_LIMITS = {
  /** TC3 and the legacy signature: skew beyond this is AuthFailure.SignatureExpire. */
  signatureWindowSeconds: 300,
  queueMsgRetentionSeconds: { min: 30, max: 43_200, default: 3600 },
  queueMaxMsgSizeDefault: 1_048_576,
  topicMaxMsgSize: { min: 1024, max: 65_536, default: 65_536 },
  /** RetentionSizeInMB: accepted, not used (rewind is bounded by RewindSeconds). */
  retentionSizeInMB: { min: 10_240, max: 512_000 },
  /** FirstQueryInterval and MaxQueryCount: accepted, not used (the producer's interval applies). */
  firstQueryInterval: { min: 1, max: 43_200 },
  maxQueryCount: { min: 1, max: 1000 },
  list: LIST_LIMIT,
  listOffset: { min: 0, max: 1_000_000 },
  /** Names in QueueNameList / TopicNameList, values of one Filter. */
  listItems: 100,
} as const;

/** Tags on queues and topics (API 3.0's Tags, Filters of `tag:<key>`). */
export const TAG_LIMITS = {
  perResource: 50,
  keyLength: 127,
  valueLength: 255,
  filters: 10,
} as const;

/** Default accepted clock skew of a signed request (overridden by CMQ_SIGNATURE_WINDOW_SECONDS). */
export const DEFAULT_SIGNATURE_WINDOW_SECONDS = 900;

/**
 * Work one alarm run or one request may spend on background chores (settling counters, retention,
 * rewind), so no single request ever pays for a million rows. Requests wait for a running chunk:
 * a small chunk keeps them flowing while a million expired messages are removed (bench:depth).
 */
export const CHORE_CHUNK_ROWS = 500;

/**
 * Expired messages a read looks past to count only what a receive can still take (retention.ts).
 * The chores remove them within about a second, so this keeps counts exact for a thousand
 * expiring a second per object. Larger, it slows a mass expiry: every attributes read during it
 * scans this many rows (bench:depth, 300k expiring: 5,000 took the cleanup from 5.8 s to 10.9 s
 * and the probes' p99 from 87 to 273 ms; 1,000 gave 7.1 s and 123 ms).
 */
export const EXPIRY_LOOKAHEAD_ROWS = 2 * CHORE_CHUNK_ROWS;

/**
 * GET /metrics' fan-out: each call to a tenant's catalog gathers at most `namesPerCall` queues or
 * topics (an invocation's subrequests are limited; a 16-shard queue is 16 calls), and at most
 * `parallelCalls` of those objects are asked at once.
 */
export const METRICS_LIMITS = { namesPerCall: 100, parallelCalls: 16 } as const;
