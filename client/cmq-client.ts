/**
 * The client: one typed interface whichever transport carries the messages. Queues and topics are
 * handles (`client.queue(name)`); the account-wide calls — create, delete and list queues and
 * topics — are here. Management always goes over HTTP: CMQ's TCP protocol has none.
 * @module
 */
import type { TransportName } from "./errors";
import type { CmqReply, CallOptions as HttpCallOptions, Params } from "./http-client";
import type { CallOptions } from "./message";
import { defined, Queue, type QueueSettings } from "./queue";
import { type ListOptions, Topic, type TopicSettings } from "./topic";
import type { ClientParts } from "./transport";

export interface NamedEntry {
  id: string;
  name: string;
}

export class CmqClient {
  constructor(private readonly parts: ClientParts) {}

  /** Which transport carries messages: "http" or "tcp". */
  get transport(): TransportName {
    return this.parts.transport.name;
  }

  queue(name: string): Queue {
    return new Queue(this.parts, name);
  }

  topic(name: string): Topic {
    return new Topic(this.parts, name);
  }

  /** Creates a queue and returns its handle. */
  async createQueue(name: string, settings: QueueSettings = {}, options: CallOptions = {}) {
    const queue = this.queue(name);
    await queue.create(settings, options);
    return queue;
  }

  async deleteQueue(name: string, options: CallOptions = {}): Promise<void> {
    await this.queue(name).remove(options);
  }

  /** The account's queues, `searchWord` matching part of the name; `limit` up to 50. */
  async listQueues(
    options: ListOptions = {},
  ): Promise<{ totalCount: number; queues: NamedEntry[] }> {
    const { totalCount, entries } = await this.list("ListQueue", "queue", options);
    return { totalCount, queues: entries };
  }

  /** Creates a topic and returns its handle. */
  async createTopic(name: string, settings: TopicSettings = {}, options: CallOptions = {}) {
    const topic = this.topic(name);
    await topic.create(settings, options);
    return topic;
  }

  async deleteTopic(name: string, options: CallOptions = {}): Promise<void> {
    await this.topic(name).remove(options);
  }

  async listTopics(
    options: ListOptions = {},
  ): Promise<{ totalCount: number; topics: NamedEntry[] }> {
    const { totalCount, entries } = await this.list("ListTopic", "topic", options);
    return { totalCount, topics: entries };
  }

  /** ListQueue and ListTopic: `queueList` of `queueId` and `queueName`, and the same for topics. */
  private async list(action: string, kind: "queue" | "topic", options: ListOptions) {
    const { searchWord, offset, limit, ...call } = options;
    const params = defined({ searchWord, offset, limit });
    const reply = await this.parts.http(action).ok(action, params, call);
    const entries: NamedEntry[] = reply[`${kind}List`].map((e: Record<string, string>) => ({
      id: e[`${kind}Id`],
      name: e[`${kind}Name`],
    }));
    return { totalCount: reply.totalCount as number, entries };
  }

  /** Any action, signed, its reply whatever the code: for what the handles do not cover. */
  call(action: string, params: Params = {}, options: HttpCallOptions = {}): Promise<CmqReply> {
    return this.parts.http(action).call(action, params, options);
  }

  /** Closes the TCP connection, if any; the client cannot be used afterwards. */
  close(): void {
    this.parts.transport.close();
  }
}
