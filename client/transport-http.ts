/**
 * The data plane over CMQ's HTTP action API: each request one signed action (SendMessage or
 * BatchSendMessage, …), replies mapped to the transport's shapes. "No message" is an empty list;
 * a batch delete's 6010/6020 with its errorList is the list of handles that did not delete.
 * @module
 */
import { WIRE_CODES } from "../src/contract/wire-codes";
import { CmqHttpError } from "./errors";
import { type CmqHttpClient, indexed, type MsgInfo } from "./http-client";
import type {
  DataTransport,
  DeleteFailure,
  DeleteRequest,
  PublishRequest,
  ReceivedWire,
  ReceiveRequest,
  SendRequest,
} from "./transport";

function received(m: MsgInfo): ReceivedWire {
  const { msgBody, ...rest } = m;
  return { ...rest, body: msgBody };
}

const at = (r: { signal?: AbortSignal }) => ({ signal: r.signal });

export class HttpTransport implements DataTransport {
  readonly name = "http" as const;

  constructor(private readonly http: CmqHttpClient) {}

  async send(r: SendRequest): Promise<string[]> {
    const common = { queueName: r.queue, delaySeconds: r.delaySeconds };
    if (r.single) {
      const reply = await this.http.ok(
        "SendMessage",
        { ...common, msgBody: r.bodies[0] ?? "" },
        at(r),
      );
      return [reply.msgId];
    }
    const params = { ...common, ...indexed("msgBody", r.bodies) };
    const reply = await this.http.ok("BatchSendMessage", params, at(r));
    return reply.msgList.map((m: { msgId: string }) => m.msgId);
  }

  async receive(r: ReceiveRequest): Promise<ReceivedWire[]> {
    const action = r.single ? "ReceiveMessage" : "BatchReceiveMessage";
    const params = {
      queueName: r.queue,
      pollingWaitSeconds: r.waitSeconds,
      ...(r.single ? {} : { numOfMsg: r.max }),
    };
    const reply = await this.http.call(action, params, {
      signal: r.signal,
      waitSeconds: r.waitSeconds,
    });
    if (reply.code === WIRE_CODES.noMessage) return [];
    if (reply.code !== 0) throw new CmqHttpError(action, reply);
    const list: MsgInfo[] = r.single ? [reply as unknown as MsgInfo] : reply.msgInfoList;
    return list.map(received);
  }

  async delete(r: DeleteRequest): Promise<DeleteFailure[]> {
    if (r.single) {
      const params = { queueName: r.queue, receiptHandle: r.handles[0] ?? "" };
      await this.http.ok("DeleteMessage", params, at(r));
      return [];
    }
    const params = { queueName: r.queue, ...indexed("receiptHandle", r.handles) };
    const reply = await this.http.call("BatchDeleteMessage", params, at(r));
    const partly = [WIRE_CODES.deletePartiallyFailed, WIRE_CODES.deleteFailed];
    if (reply.code === 0) return [];
    if (!partly.includes(reply.code) || !Array.isArray(reply.errorList)) {
      throw new CmqHttpError("BatchDeleteMessage", reply);
    }
    return reply.errorList as DeleteFailure[];
  }

  async publish(r: PublishRequest): Promise<string[]> {
    const params = {
      topicName: r.topic,
      ...indexed("msgTag", r.tags),
      ...(r.routingKey === undefined ? {} : { routingKey: r.routingKey }),
    };
    if (r.single) {
      const reply = await this.http.ok(
        "PublishMessage",
        { ...params, msgBody: r.bodies[0] ?? "" },
        at(r),
      );
      return [reply.msgId];
    }
    const batch = { ...params, ...indexed("msgBody", r.bodies) };
    const reply = await this.http.ok("BatchPublishMessage", batch, at(r));
    return reply.msgList.map((m: { msgId: string }) => m.msgId);
  }

  close(): void {}
}
