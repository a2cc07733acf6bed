/**
 * Request frames as typed values: decoding what clients send (the bridge) and encoding it (the
 * TypeScript client). A body that is not a CMQProto is a protocol error; a CMQProto with an unknown
 * command or without its body field is a request error, answered on the same seqno.
 * @module
 */
import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { CmqErrorData } from "../../../src/domain/errors";
import { CMD } from "./commands";
import type { FrameError } from "./frame";
import { BatchPullSchema, type CMQProto, CMQProtoSchema, PullSchema } from "./gen/cmq_pb";

interface Head {
  seqno: bigint;
  /** The command number, echoed in the reply. */
  cmd: number;
  /** The client wants no reply (the Java SDK's transaction confirms). */
  oneway: boolean;
}

export type TcpRequestBody =
  | { kind: "auth"; secretId: string; signature: string; clientId: string; signatureMethod: string }
  | {
      kind: "send";
      batch: boolean;
      queue: string;
      bodies: Uint8Array[];
      delaySeconds: number;
      /** Set for a transaction (half) message: seconds until the first check-back. */
      transaction?: { firstQueryIntervalSeconds: number };
    }
  | {
      kind: "pull";
      batch: boolean;
      queue: string;
      max: number;
      waitSeconds?: number;
      visibilityTimeoutSeconds?: number;
    }
  | { kind: "delete"; batch: boolean; queue: string; handles: bigint[] }
  | {
      kind: "publish";
      batch: boolean;
      topic: string;
      bodies: Uint8Array[];
      tags: string[];
      routingKey?: string;
    }
  | { kind: "heartbeat" }
  | { kind: "transactionConfirm"; queue: string; items: { msgId: bigint; state: number }[] };

export type TcpRequest = Head & TcpRequestBody;

export type DecodedRequest =
  | { ok: true; request: TcpRequest }
  /** Answerable: reply with `error` on this seqno and cmd. */
  | { ok: false; fatal: false; seqno: bigint; cmd: number; error: CmqErrorData }
  /** Not a CMQProto at all: close the connection. */
  | { ok: false; fatal: true; reason: string };

function missing(m: CMQProto, name: string): DecodedRequest {
  return {
    ok: false,
    fatal: false,
    seqno: m.seqno,
    cmd: m.cmd,
    error: { kind: "missingParameter", name },
  };
}

const optional = (set: boolean, value: number) => (set ? value : undefined);

/** The typed body of a well-formed message, or the request error to answer it with. */
function body(m: CMQProto): TcpRequestBody | DecodedRequest {
  switch (m.cmd) {
    case CMD.auth: {
      const a = m.tcpAuth;
      if (!a) return missing(m, "tcp_auth");
      return {
        kind: "auth",
        secretId: a.secretId,
        signature: a.signature,
        clientId: a.clientId,
        signatureMethod: a.signatureMethod,
      };
    }
    case CMD.send: {
      const s = m.tcpSendMsg;
      if (!s) return missing(m, "tcp_send_msg");
      return {
        kind: "send",
        batch: false,
        queue: s.queueName,
        bodies: [s.msgBody],
        delaySeconds: s.delaySeconds,
        transaction:
          s.isTransaction === 1 ? { firstQueryIntervalSeconds: s.firstQueryInterval } : undefined,
      };
    }
    case CMD.batchSend: {
      const s = m.tcpBatchSendMsg;
      if (!s) return missing(m, "tcp_batch_send_msg");
      return {
        kind: "send",
        batch: true,
        queue: s.queueName,
        bodies: s.msgBody,
        delaySeconds: s.delaySeconds,
        transaction:
          s.isTransaction === 1 ? { firstQueryIntervalSeconds: s.firstQueryInterval } : undefined,
      };
    }
    case CMD.pull: {
      const p = m.tcpPullMsg;
      if (!p) return missing(m, "tcp_pull_msg");
      return {
        kind: "pull",
        batch: false,
        queue: p.queueName,
        max: 1,
        waitSeconds: optional(isFieldSet(p, PullSchema.field.pollWaitSeconds), p.pollWaitSeconds),
        visibilityTimeoutSeconds: p.visibleTimeout > 0 ? p.visibleTimeout : undefined,
      };
    }
    case CMD.batchPull: {
      const p = m.tcpBatchPullMsg;
      if (!p) return missing(m, "tcp_batch_pull_msg");
      return {
        kind: "pull",
        batch: true,
        queue: p.queueName,
        max: p.numMsg,
        waitSeconds: optional(
          isFieldSet(p, BatchPullSchema.field.pollWaitSeconds),
          p.pollWaitSeconds,
        ),
        visibilityTimeoutSeconds: p.visibleTimeout > 0 ? p.visibleTimeout : undefined,
      };
    }
    case CMD.delete:
      return m.tcpDeleteMsg
        ? {
            kind: "delete",
            batch: false,
            queue: m.tcpDeleteMsg.queueName,
            handles: [m.tcpDeleteMsg.receiptHandle],
          }
        : missing(m, "tcp_delete_msg");
    case CMD.batchDelete:
      return m.tcpBatchDeleteMsg
        ? {
            kind: "delete",
            batch: true,
            queue: m.tcpBatchDeleteMsg.queueName,
            handles: m.tcpBatchDeleteMsg.receiptHandleList,
          }
        : missing(m, "tcp_batch_delete_msg");
    case CMD.publish: {
      const p = m.tcpPublishMsg;
      if (!p) return missing(m, "tcp_publish_msg");
      const routingKey = p.routingKey === "" ? undefined : p.routingKey;
      return {
        kind: "publish",
        batch: false,
        topic: p.topicName,
        bodies: [p.msgBody],
        tags: p.msgTags,
        routingKey,
      };
    }
    case CMD.batchPublish: {
      const p = m.tcpBatchPublishMsg;
      if (!p) return missing(m, "tcp_batch_publish_msg");
      const routingKey = p.routingKey === "" ? undefined : p.routingKey;
      return {
        kind: "publish",
        batch: true,
        topic: p.topicName,
        bodies: p.msgBody,
        tags: p.msgTags,
        routingKey,
      };
    }
    case CMD.heartbeat:
      return { kind: "heartbeat" };
    case CMD.transactionConfirm: {
      const c = m.transactionConfirm;
      if (!c) return missing(m, "transaction_confirm");
      return {
        kind: "transactionConfirm",
        queue: c.queueName,
        items: c.item.map((i) => ({ msgId: i.msgId, state: i.state })),
      };
    }
    default:
      return {
        ok: false,
        fatal: false,
        seqno: m.seqno,
        cmd: m.cmd,
        error: { kind: "unknownAction", action: `cmd ${m.cmd}` },
      };
  }
}

/** Decodes one frame body sent by a client. */
export function decodeRequest(bytes: Uint8Array): DecodedRequest {
  let m: CMQProto;
  try {
    m = fromBinary(CMQProtoSchema, bytes, { readUnknownFields: false });
  } catch (e) {
    return {
      ok: false,
      fatal: true,
      reason: `not a CMQProto: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  const f = CMQProtoSchema.field;
  if (!isFieldSet(m, f.seqno) || !isFieldSet(m, f.cmd)) {
    return { ok: false, fatal: true, reason: "CMQProto without seqno or cmd" };
  }
  const decoded = body(m);
  if ("ok" in decoded) return decoded;
  return {
    ok: true,
    request: { seqno: m.seqno, cmd: m.cmd, oneway: m.isOneway === 1, ...decoded },
  };
}

/** CMQProto's head fields read from the start of a body (field numbers in cmq-api-tcp.md). */
const HEAD_FIELDS = { seqno: 1, cmd: 2, isOneway: 9 } as const;

/**
 * The reply owed to a frame refused for its size, when the start of its body shows the head:
 * encoders write fields in number order, so seqno and cmd come first. Undefined when they are not
 * there, or the client asked for no reply: the connection is then closed without one.
 */
export function answerOversized(
  e: Extract<FrameError, { kind: "lengthTooLarge" }>,
): { seqno: bigint; cmd: number; error: CmqErrorData } | undefined {
  const reader = new BinaryReader(e.bodyStart);
  const head: { seqno?: bigint; cmd?: number; oneway?: boolean } = {};
  try {
    while (reader.pos < reader.len) {
      const [field, type] = reader.tag();
      if (type !== WireType.Varint) break;
      if (field === HEAD_FIELDS.seqno) head.seqno = BigInt(reader.int64());
      else if (field === HEAD_FIELDS.cmd) head.cmd = reader.int32();
      else if (field === HEAD_FIELDS.isOneway) head.oneway = reader.int32() === 1;
      else break;
      // A varint cut off by the end of the prefix reads past it instead of throwing.
      if (reader.pos > reader.len) return undefined;
    }
  } catch {
    // A tag or varint cut off by the end of what was read: the head is what was complete.
  }
  const { seqno, cmd } = head;
  if (seqno === undefined || cmd === undefined || head.oneway) return undefined;
  const size = { size: e.length, limit: e.max };
  const error: CmqErrorData =
    cmd === CMD.send || cmd === CMD.publish
      ? { kind: "messageTooLarge", ...size }
      : cmd === CMD.batchSend || cmd === CMD.batchPublish
        ? { kind: "batchTooLarge", ...size }
        : { kind: "requestTooLarge", limit: e.max };
  return { seqno, cmd, error };
}

/** Encodes a request as a client sends it (the TypeScript client, tests, benchmarks). */
export function encodeRequest(r: TcpRequest): Uint8Array {
  const head = { seqno: r.seqno, cmd: r.cmd, ...(r.oneway ? { isOneway: 1 } : {}) };
  const tx = (t: { firstQueryIntervalSeconds: number } | undefined) =>
    t ? { isTransaction: 1, firstQueryInterval: t.firstQueryIntervalSeconds } : {};
  const message = (() => {
    switch (r.kind) {
      case "auth":
        return {
          tcpAuth: {
            secretId: r.secretId,
            signature: r.signature,
            clientId: r.clientId,
            signatureMethod: r.signatureMethod,
          },
        };
      case "send":
        return r.batch
          ? {
              tcpBatchSendMsg: {
                queueName: r.queue,
                msgBody: r.bodies,
                delaySeconds: r.delaySeconds,
                ...tx(r.transaction),
              },
            }
          : {
              tcpSendMsg: {
                queueName: r.queue,
                msgBody: r.bodies[0],
                delaySeconds: r.delaySeconds,
                ...tx(r.transaction),
              },
            };
      case "pull": {
        const wait = r.waitSeconds === undefined ? {} : { pollWaitSeconds: r.waitSeconds };
        const visible =
          r.visibilityTimeoutSeconds === undefined
            ? {}
            : { visibleTimeout: r.visibilityTimeoutSeconds };
        return r.batch
          ? { tcpBatchPullMsg: { queueName: r.queue, numMsg: r.max, ...wait, ...visible } }
          : { tcpPullMsg: { queueName: r.queue, ...wait, ...visible } };
      }
      case "delete":
        return r.batch
          ? { tcpBatchDeleteMsg: { queueName: r.queue, receiptHandleList: r.handles } }
          : { tcpDeleteMsg: { queueName: r.queue, receiptHandle: r.handles[0] } };
      case "publish": {
        const rest = {
          topicName: r.topic,
          msgTags: r.tags,
          ...(r.routingKey === undefined ? {} : { routingKey: r.routingKey }),
        };
        return r.batch
          ? { tcpBatchPublishMsg: { ...rest, msgBody: r.bodies } }
          : { tcpPublishMsg: { ...rest, msgBody: r.bodies[0] } };
      }
      case "heartbeat":
        return {};
      case "transactionConfirm":
        return { transactionConfirm: { queueName: r.queue, item: r.items } };
    }
  })();
  return toBinary(CMQProtoSchema, create(CMQProtoSchema, { ...head, ...message }));
}
