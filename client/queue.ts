/**
 * A queue handle: its messages over the client's transport (send, receive with long poll, delete,
 * each single or batched, and consuming as an async iterator), and over HTTP what CMQ offers only
 * there: attributes, management, and cmq-edge's own visibility changes, peek and trace.
 * @module
 */
import { fieldsOf, type Params } from "./http-client";
import { type CallOptions, Message, type MessageOwner } from "./message";
import { consume, type MessagesOptions, type Receiving } from "./message-iterator";
import type { ClientParts, DeleteFailure } from "./transport";

export interface DeadLetterPolicy {
  deadLetterQueue: string;
  /** 0: after maxReceiveCount receives; 1: after maxTimeToLive seconds. */
  policy: 0 | 1;
  maxReceiveCount?: number;
  maxTimeToLive?: number;
}

/** What CreateQueue and SetQueueAttributes take (cmq-api-http.md §4.1; `trace`, `shards`: Edge). */
export interface QueueSettings {
  maxMsgHeapNum?: number;
  pollingWaitSeconds?: number;
  visibilityTimeout?: number;
  maxMsgSize?: number;
  msgRetentionSeconds?: number;
  rewindSeconds?: number;
  trace?: 0 | 1;
  /** Fixed at creation. */
  shards?: number;
  deadLetterPolicy?: DeadLetterPolicy;
}

/** GetQueueAttributes, typed; times are Unix seconds. */
export interface QueueAttributes extends Required<Omit<QueueSettings, "deadLetterPolicy">> {
  queueName: string;
  queueId: string;
  createTime: number;
  lastModifyTime: number;
  activeMsgNum: number;
  inactiveMsgNum: number;
  delayMsgNum: number;
  rewindMsgNum: number;
  minMsgTime: number;
  transactionMsgNum: number;
  waitingReceiverNum: number;
  redriveStatus: "running" | "idle";
  redriveMovedMsgNum: number;
  deadLetterPolicy?: DeadLetterPolicy;
}

/** A message as EdgePeekMessages shows it: no receipt handle, so looking changes nothing. */
export interface PeekedMessage {
  msgId: string;
  body: string;
  enqueueTime: number;
  /** 0 for a message never received. */
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
  /** `visible`: a receive would take it now; `inFlight`: received, back at nextVisibleTime. */
  state: "visible" | "inFlight";
}

export interface TraceEvent {
  /** Unix seconds, and milliseconds. */
  time: number;
  timeMs: number;
  event: string;
  [detail: string]: string | number;
}

export interface ReceiveOptions extends CallOptions {
  /** Long-poll seconds (0–30, default 0: answer at once). */
  wait?: number;
}

interface PeekInfo {
  msgBody: string;
  msgId: string;
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
}

/** Settings as CMQ's parameters: the dead-letter policy travels as JSON text. */
export function settingsParams(settings: QueueSettings): Params {
  const { deadLetterPolicy, ...numbers } = settings;
  const policy = deadLetterPolicy ? JSON.stringify(deadLetterPolicy) : undefined;
  return defined({ ...numbers, deadLetterPolicy: policy });
}

export class Queue implements MessageOwner, Receiving {
  constructor(
    private readonly parts: ClientParts,
    readonly name: string,
  ) {}

  private get transport() {
    return this.parts.transport;
  }

  private http(what: string) {
    return this.parts.http(what);
  }

  // --- Messages, over the client's transport --------------------------------------------------

  /** The message id. */
  async send(body: string, options: CallOptions & { delaySeconds?: number } = {}): Promise<string> {
    const [id] = await this.transport.send({
      queue: this.name,
      bodies: [body],
      delaySeconds: options.delaySeconds ?? 0,
      single: true,
      signal: options.signal,
    });
    return id ?? "";
  }

  /** 1–16 bodies in one request; their ids, in order. */
  sendBatch(
    bodies: readonly string[],
    options: CallOptions & { delaySeconds?: number } = {},
  ): Promise<string[]> {
    return this.transport.send({
      queue: this.name,
      bodies,
      delaySeconds: options.delaySeconds ?? 0,
      single: false,
      signal: options.signal,
    });
  }

  /** One message, or undefined when the wait ends with none ("no message" is not an error). */
  async receive(options: ReceiveOptions = {}): Promise<Message | undefined> {
    const [message] = await this.receiveWith(1, true, options);
    return message;
  }

  /** Up to `max` (1–16) messages; an empty list when the wait ends with none. */
  receiveBatch(max: number, options: ReceiveOptions = {}): Promise<Message[]> {
    return this.receiveWith(max, false, options);
  }

  private async receiveWith(max: number, single: boolean, options: ReceiveOptions) {
    const wires = await this.transport.receive({
      queue: this.name,
      max,
      waitSeconds: options.wait ?? 0,
      single,
      signal: options.signal,
    });
    return wires.map((w) => new Message(this, w));
  }

  /** Consumes the queue: see message-iterator.ts. */
  messages(options: MessagesOptions = {}): AsyncGenerator<Message, void, undefined> {
    return consume(this, options);
  }

  async delete(receiptHandle: string, options: CallOptions = {}): Promise<void> {
    const request = { queue: this.name, handles: [receiptHandle], single: true, ...options };
    await this.transport.delete(request);
  }

  /** The handles that did not delete (stale, or foreign), each with CMQ's code; [] when all did. */
  deleteBatch(
    receiptHandles: readonly string[],
    options: CallOptions = {},
  ): Promise<DeleteFailure[]> {
    return this.transport.delete({
      queue: this.name,
      handles: receiptHandles,
      single: false,
      ...options,
    });
  }

  // --- cmq-edge's own, over HTTP ----------------------------------------------------------------

  get canRelease(): boolean {
    return this.parts.hasHttp;
  }

  /** Moves a held message's visibility to `seconds` from now (0 = now); the new nextVisibleTime. */
  async changeVisibility(
    receiptHandle: string,
    seconds: number,
    options: CallOptions = {},
  ): Promise<number> {
    const params = { queueName: this.name, receiptHandle, visibilityTimeout: seconds };
    const http = this.http("EdgeChangeMessageVisibility");
    return (await http.ok("EdgeChangeMessageVisibility", params, options)).nextVisibleTime;
  }

  /**
   * Up to `max` (1–16) messages a receive would take now, in its order, without taking them; with
   * `inFlight`, up to `max` of those received and not yet back as well.
   */
  async peek(
    max = 16,
    options: CallOptions & { inFlight?: boolean } = {},
  ): Promise<PeekedMessage[]> {
    const params = { queueName: this.name, numOfMsg: max, inFlight: options.inFlight ? 1 : 0 };
    const reply = await this.http("EdgePeekMessages").ok("EdgePeekMessages", params, options);
    const peeked = (list: PeekInfo[] | undefined, state: PeekedMessage["state"]) =>
      (list ?? []).map(({ msgBody, ...rest }) => ({ ...rest, body: msgBody, state }));
    return [
      ...peeked(reply.msgInfoList, "visible"),
      ...peeked(reply.inFlightMsgInfoList, "inFlight"),
    ];
  }

  /** What happened to a message, oldest first, while the queue's `trace` attribute is 1. */
  async trace(msgId: string, options: CallOptions = {}): Promise<TraceEvent[]> {
    const params = { queueName: this.name, msgId };
    return (await this.http("EdgeGetMessageTrace").ok("EdgeGetMessageTrace", params, options))
      .events;
  }

  // --- Management, over HTTP ------------------------------------------------------------------

  /** Creates the queue; its queueId. */
  async create(settings: QueueSettings = {}, options: CallOptions = {}): Promise<string> {
    const params = { queueName: this.name, ...settingsParams(settings) };
    return (await this.http("CreateQueue").ok("CreateQueue", params, options)).queueId;
  }

  /** Deletes the queue and every message in it. */
  async remove(options: CallOptions = {}): Promise<void> {
    await this.http("DeleteQueue").ok("DeleteQueue", { queueName: this.name }, options);
  }

  async attributes(options: CallOptions = {}): Promise<QueueAttributes> {
    const http = this.http("GetQueueAttributes");
    const reply = await http.ok("GetQueueAttributes", { queueName: this.name }, options);
    // One spelling of the rewind count (the other is for SDKs), the policy as an object.
    const { rewindmsgNum: _sdkSpelling, deadLetterPolicy, ...rest } = fieldsOf(reply);
    const policy = deadLetterPolicy ? { deadLetterPolicy: JSON.parse(deadLetterPolicy) } : {};
    return { ...rest, ...policy } as QueueAttributes;
  }

  async setAttributes(settings: QueueSettings, options: CallOptions = {}): Promise<void> {
    const params = { queueName: this.name, ...settingsParams(settings) };
    await this.http("SetQueueAttributes").ok("SetQueueAttributes", params, options);
  }

  /**
   * Removes every message the queue holds now (API 3.0's ClearCmqQueue: API 2.0 has no purge);
   * answers once they are gone.
   */
  async purge(options: CallOptions = {}): Promise<void> {
    await this.http("ClearCmqQueue").api3("ClearCmqQueue", { QueueName: this.name }, options);
  }

  /** Makes messages deleted since `startConsumeTime` (Unix seconds) receivable again. */
  async rewind(startConsumeTime: number, options: CallOptions = {}): Promise<void> {
    const params = { queueName: this.name, startConsumeTime };
    await this.http("RewindQueue").ok("RewindQueue", params, options);
  }

  /** Removes the queue's dead-letter policy. */
  async unbindDeadLetterQueue(options: CallOptions = {}): Promise<void> {
    const http = this.http("UnbindDeadLetterQueue");
    await http.ok("UnbindDeadLetterQueue", { queueName: this.name }, options);
  }

  /** This dead-letter queue's source queues. */
  async deadLetterSources(
    options: CallOptions & { offset?: number; limit?: number } = {},
  ): Promise<{ totalCount: number; queues: { queueId: string; queueName: string }[] }> {
    const { offset, limit, ...call } = options;
    const params = { deadLetterQueueName: this.name, ...defined({ offset, limit }) };
    const http = this.http("ListDeadLetterSourceQueues");
    const reply = await http.ok("ListDeadLetterSourceQueues", params, call);
    return { totalCount: reply.totalCount, queues: reply.queueList };
  }

  /** Starts sending this dead-letter queue's messages back to their sources, `rate` a second. */
  async redrive(options: CallOptions & { rate?: number } = {}): Promise<void> {
    const { rate, ...call } = options;
    const params = { queueName: this.name, ...defined({ rate }) };
    await this.http("EdgeRedriveDeadLetterQueue").ok("EdgeRedriveDeadLetterQueue", params, call);
  }
}

/** The entries whose value is set: optional parameters CMQ should not see at all. */
export function defined(values: Record<string, number | string | undefined>): Params {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Params;
}
