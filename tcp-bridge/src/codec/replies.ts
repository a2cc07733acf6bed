/**
 * Reply frames (and the server-initiated transaction check-back) as typed values: encoded by the
 * bridge, decoded by the TypeScript client. Every reply carries the request's seqno and cmd, which
 * the Java SDK requires (cmq-api-tcp.md "Checked against the official Java TCP SDK's real bytes").
 * @module
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { CMD } from "./commands";
import { type CMQProto, CMQProtoSchema } from "./gen/cmq_pb";

export interface PulledMessage {
  msgId: bigint;
  receiptHandle: bigint;
  body: Uint8Array;
  /** Unix seconds, as the HTTP API reports them. */
  enqueueTime: number;
  nextVisibleTime: number;
  firstDequeueTime: number;
  dequeueCount: number;
  /** Dead-lettered messages only: the source queue, first enqueue (Unix s) and its dequeue count. */
  deadLetter?: { originalQueue: string; originalPubTime: number; originalDequeueCount: number };
}

export interface DeleteFailure {
  receiptHandle: bigint;
  code: number;
  message: string;
}

export type TcpReplyBody =
  /** Head only: auth, delete, heartbeat. */
  | { kind: "ok" }
  | { kind: "error"; result: number; error: string }
  | { kind: "msgIds"; ids: bigint[] }
  | { kind: "pulled"; batch: boolean; messages: PulledMessage[] }
  | { kind: "deleted"; failures: DeleteFailure[] }
  /** Server → producer: what became of this half message? */
  | { kind: "transactionQuery"; queue: string; msgId: bigint }
  /** The outcome of a (two-way) confirm, item by item; state 3 with an error when not applied. */
  | { kind: "confirmed"; queue: string; items: ConfirmedItem[] };

export interface ConfirmedItem {
  msgId: bigint;
  state: number;
  errCode?: number;
  errMsg?: string;
}

export type TcpReply = { seqno: bigint; cmd: number } & TcpReplyBody;

function pullReply(m: PulledMessage) {
  return {
    msgId: m.msgId,
    receiptHandle: m.receiptHandle,
    msgBody: m.body,
    enqueueTime: BigInt(m.enqueueTime),
    nextVisibleTime: BigInt(m.nextVisibleTime),
    firstDequeueTime: BigInt(m.firstDequeueTime),
    dequeueCount: BigInt(m.dequeueCount),
    ...(m.deadLetter
      ? {
          originalQueueId: m.deadLetter.originalQueue,
          originalPubTm: BigInt(m.deadLetter.originalPubTime),
          originalDequeueCnt: m.deadLetter.originalDequeueCount,
        }
      : {}),
  };
}

export function encodeReply(r: TcpReply): Uint8Array {
  const head = { seqno: r.seqno, cmd: r.cmd };
  const message = (() => {
    switch (r.kind) {
      case "ok":
        return {};
      case "error":
        return { result: r.result, error: r.error };
      case "msgIds":
        return { msgids: r.ids };
      case "pulled":
        return r.batch
          ? { batchPullRsp: { msgList: r.messages.map(pullReply) } }
          : r.messages[0]
            ? { pullRsp: pullReply(r.messages[0]) }
            : {};
      case "deleted":
        return {
          delResult: r.failures.map((f) => ({
            receiptHandle: f.receiptHandle,
            errCode: f.code,
            errMsg: f.message,
          })),
        };
      case "transactionQuery":
        return { transactionQuery: { queueName: r.queue, msgId: r.msgId } };
      case "confirmed":
        return { transactionConfirmReply: { queueName: r.queue, item: r.items } };
    }
  })();
  return toBinary(CMQProtoSchema, create(CMQProtoSchema, { ...head, ...message }));
}

function pulled(p: NonNullable<CMQProto["pullRsp"]>): PulledMessage {
  const deadLetter = p.originalQueueId
    ? {
        originalQueue: p.originalQueueId,
        originalPubTime: Number(p.originalPubTm),
        originalDequeueCount: p.originalDequeueCnt,
      }
    : undefined;
  return {
    ...(deadLetter ? { deadLetter } : {}),
    msgId: p.msgId,
    receiptHandle: p.receiptHandle,
    body: p.msgBody,
    enqueueTime: Number(p.enqueueTime),
    nextVisibleTime: Number(p.nextVisibleTime),
    firstDequeueTime: Number(p.firstDequeueTime),
    dequeueCount: Number(p.dequeueCount),
  };
}

/** Decodes a frame the server sent, as a client reads it; throws on bytes that are no CMQProto. */
export function decodeReply(bytes: Uint8Array): TcpReply {
  const m = fromBinary(CMQProtoSchema, bytes, { readUnknownFields: false });
  const head = { seqno: m.seqno, cmd: m.cmd };
  if (m.result !== 0) return { ...head, kind: "error", result: m.result, error: m.error };
  if (m.transactionConfirmReply) {
    const reply = m.transactionConfirmReply;
    const items = reply.item.map((i) => ({
      msgId: i.msgId,
      state: i.state,
      ...(i.errCode ? { errCode: i.errCode, errMsg: i.errMsg } : {}),
    }));
    return { ...head, kind: "confirmed", queue: reply.queueName, items };
  }
  if (m.transactionQuery) {
    return {
      ...head,
      kind: "transactionQuery",
      queue: m.transactionQuery.queueName,
      msgId: m.transactionQuery.msgId,
    };
  }
  switch (m.cmd) {
    case CMD.send:
    case CMD.batchSend:
    case CMD.publish:
    case CMD.batchPublish:
      return { ...head, kind: "msgIds", ids: m.msgids };
    case CMD.pull:
      return {
        ...head,
        kind: "pulled",
        batch: false,
        messages: m.pullRsp ? [pulled(m.pullRsp)] : [],
      };
    case CMD.batchPull:
      return {
        ...head,
        kind: "pulled",
        batch: true,
        messages: (m.batchPullRsp?.msgList ?? []).map(pulled),
      };
    case CMD.batchDelete:
      return {
        ...head,
        kind: "deleted",
        failures: m.delResult.map((f) => ({
          receiptHandle: f.receiptHandle,
          code: f.errCode,
          message: f.errMsg,
        })),
      };
    default:
      return { ...head, kind: "ok" };
  }
}
