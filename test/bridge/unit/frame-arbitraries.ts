/**
 * fast-check generators of typed TCP requests and replies, in the normal form the codec decodes
 * to (a pull's visibility timeout of 0 reads back as absent, an empty routing key as none, …), so
 * that a frame encoded from any of them must decode and re-encode to the very same bytes.
 */
import fc from "fast-check";
import { CMD } from "../../../tcp-bridge/src/codec/commands";
import type { PulledMessage, TcpReply } from "../../../tcp-bridge/src/codec/replies";
import type { TcpRequest } from "../../../tcp-bridge/src/codec/requests";

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
/** Any well-formed text: names are the bridge's business to check, not the codec's. */
const text = fc.string({ unit: "grapheme", maxLength: 24 });
const nonEmptyText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 });
const body = fc.uint8Array({ maxLength: 48 });
const bodies = fc.array(body, { minLength: 1, maxLength: 16 });
const head = { seqno: int64, oneway: fc.boolean() };

const transaction = fc.option(fc.record({ firstQueryIntervalSeconds: int32 }), {
  nil: undefined,
});

export const tcpRequest: fc.Arbitrary<TcpRequest> = fc.oneof(
  fc.record({
    ...head,
    cmd: fc.constant(CMD.auth),
    kind: fc.constant("auth" as const),
    secretId: text,
    signature: text,
    clientId: text,
    signatureMethod: text,
  }),
  fc
    .record({
      ...head,
      batch: fc.boolean(),
      queue: text,
      bodies,
      delaySeconds: uint32,
      transaction,
    })
    .map((r) =>
      r.batch
        ? { ...r, cmd: CMD.batchSend, kind: "send" as const }
        : { ...r, cmd: CMD.send, kind: "send" as const, bodies: r.bodies.slice(0, 1) },
    ),
  fc
    .record({
      ...head,
      batch: fc.boolean(),
      queue: text,
      max: int32,
      waitSeconds: fc.option(int32, { nil: undefined }),
      visibilityTimeoutSeconds: fc.option(fc.integer({ min: 1, max: 2 ** 32 - 1 }), {
        nil: undefined,
      }),
    })
    .map((r) =>
      r.batch
        ? { ...r, cmd: CMD.batchPull, kind: "pull" as const }
        : { ...r, cmd: CMD.pull, kind: "pull" as const, max: 1 },
    ),
  fc
    .record({
      ...head,
      batch: fc.boolean(),
      queue: text,
      handles: fc.array(uint64, { minLength: 1, maxLength: 16 }),
    })
    .map((r) =>
      r.batch
        ? { ...r, cmd: CMD.batchDelete, kind: "delete" as const }
        : { ...r, cmd: CMD.delete, kind: "delete" as const, handles: r.handles.slice(0, 1) },
    ),
  fc
    .record({
      ...head,
      batch: fc.boolean(),
      topic: text,
      bodies,
      tags: fc.array(text, { maxLength: 5 }),
      routingKey: fc.option(nonEmptyText, { nil: undefined }),
    })
    .map((r) =>
      r.batch
        ? { ...r, cmd: CMD.batchPublish, kind: "publish" as const }
        : { ...r, cmd: CMD.publish, kind: "publish" as const, bodies: r.bodies.slice(0, 1) },
    ),
  fc.record({ ...head, cmd: fc.constant(CMD.heartbeat), kind: fc.constant("heartbeat" as const) }),
  fc.record({
    ...head,
    cmd: fc.constant(CMD.transactionConfirm),
    kind: fc.constant("transactionConfirm" as const),
    queue: text,
    items: fc.array(fc.record({ msgId: uint64, state: int32 }), { maxLength: 16 }),
  }),
);

/** Unix seconds and counts as the bridge reports them (whole, non-negative, below 2^53). */
const seconds = fc.integer({ min: 0, max: 2 ** 40 });

const pulledMessage: fc.Arbitrary<PulledMessage> = fc
  .record(
    {
      msgId: uint64,
      receiptHandle: uint64,
      body,
      enqueueTime: seconds,
      nextVisibleTime: seconds,
      firstDequeueTime: seconds,
      dequeueCount: seconds,
      deadLetter: fc.record({
        originalQueue: nonEmptyText,
        originalPubTime: seconds,
        originalDequeueCount: uint32,
      }),
    },
    { requiredKeys: ["msgId", "receiptHandle", "body", "enqueueTime", "nextVisibleTime"] },
  )
  .map((m) => ({ firstDequeueTime: 0, dequeueCount: 0, ...m }));

const errorResult = int32.filter((n) => n !== 0);

export const tcpReply: fc.Arbitrary<TcpReply> = fc.oneof(
  fc.record({
    seqno: int64,
    // Head-only replies: the commands whose success carries no body.
    cmd: fc.constantFrom(CMD.auth, CMD.delete, CMD.heartbeat, CMD.transactionConfirm),
    kind: fc.constant("ok" as const),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constantFrom(...Object.values(CMD)),
    kind: fc.constant("error" as const),
    result: errorResult,
    error: text,
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constantFrom(CMD.send, CMD.batchSend, CMD.publish, CMD.batchPublish),
    kind: fc.constant("msgIds" as const),
    ids: fc.array(uint64, { maxLength: 16 }),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constant(CMD.pull),
    kind: fc.constant("pulled" as const),
    batch: fc.constant(false),
    messages: fc.array(pulledMessage, { minLength: 1, maxLength: 1 }),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constant(CMD.batchPull),
    kind: fc.constant("pulled" as const),
    batch: fc.constant(true),
    messages: fc.array(pulledMessage, { maxLength: 16 }),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constant(CMD.batchDelete),
    kind: fc.constant("deleted" as const),
    failures: fc.array(fc.record({ receiptHandle: uint64, code: int32, message: text }), {
      maxLength: 16,
    }),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constant(CMD.transactionConfirm),
    kind: fc.constant("confirmed" as const),
    queue: text,
    items: fc.array(
      fc.oneof(
        fc.record({ msgId: uint64, state: int32 }),
        fc.record({ msgId: uint64, state: int32, errCode: errorResult, errMsg: text }),
      ),
      { maxLength: 16 },
    ),
  }),
  fc.record({
    seqno: int64,
    cmd: fc.constant(CMD.transactionQuery),
    kind: fc.constant("transactionQuery" as const),
    queue: text,
    msgId: uint64,
  }),
);
