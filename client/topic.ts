/**
 * A topic handle: publishing over the client's transport (single or batched, with tags or a
 * routing key), and over HTTP the topic's management and its subscriptions.
 * @module
 */
import { fieldsOf, indexed } from "./http-client";
import type { CallOptions } from "./message";
import { defined } from "./queue";
import type { ClientParts } from "./transport";

export interface PublishOptions extends CallOptions {
  /** Filter tags (filterType 1), up to 5. */
  tags?: readonly string[];
  /** Routing key (filterType 2): words joined by dots. */
  routingKey?: string;
}

export interface TopicSettings {
  maxMsgSize?: number;
  /** 1: filter by tags (default); 2: by routing key. Fixed at creation. */
  filterType?: 1 | 2;
}

export interface TopicAttributes {
  topicName: string;
  topicId: string;
  msgCount: number;
  maxMsgSize: number;
  msgRetentionSeconds: number;
  createTime: number;
  lastModifyTime: number;
  filterType: 1 | 2;
}

export interface SubscriptionSettings {
  notifyStrategy?: "BACKOFF_RETRY" | "EXPONENTIAL_DECAY_RETRY";
  notifyContentFormat?: "JSON" | "SIMPLIFIED";
  filterTags?: readonly string[];
  bindingKeys?: readonly string[];
}

export interface NewSubscription extends SubscriptionSettings {
  /** `queue`: a queue of the same account (endpoint = its name); `http`: a URL to push to. */
  protocol: "queue" | "http";
  endpoint: string;
}

export interface SubscriptionAttributes {
  topicOwner: string;
  subscriptionName: string;
  subscriptionId: string;
  msgCount: number;
  protocol: "queue" | "http";
  endpoint: string;
  notifyStrategy: string;
  notifyContentFormat: string;
  createTime: number;
  lastModifyTime: number;
  bindingKey: string[];
  filterTag: string[];
  /** cmq-edge's delivery counters, and the last failed delivery's cause (Unix s; 0: none). */
  pendingMsgNum: number;
  deliveredMsgNum: number;
  droppedMsgNum: number;
  lastDeliveryError: string;
  lastDeliveryErrorTime: number;
}

export interface ListOptions extends CallOptions {
  searchWord?: string;
  offset?: number;
  limit?: number;
}

function subscriptionParams(s: SubscriptionSettings) {
  return {
    ...defined({ notifyStrategy: s.notifyStrategy, notifyContentFormat: s.notifyContentFormat }),
    ...indexed("filterTag", s.filterTags ?? []),
    ...indexed("bindingKey", s.bindingKeys ?? []),
  };
}

export class Topic {
  constructor(
    private readonly parts: ClientParts,
    readonly name: string,
  ) {}

  private http(what: string) {
    return this.parts.http(what);
  }

  /** The message id. */
  async publish(body: string, options: PublishOptions = {}): Promise<string> {
    const [id] = await this.publishWith([body], true, options);
    return id ?? "";
  }

  /** 1–16 bodies, all with the same tags or routing key; their ids, in order. */
  publishBatch(bodies: readonly string[], options: PublishOptions = {}): Promise<string[]> {
    return this.publishWith(bodies, false, options);
  }

  private publishWith(bodies: readonly string[], single: boolean, options: PublishOptions) {
    return this.parts.transport.publish({
      topic: this.name,
      bodies,
      tags: options.tags ?? [],
      routingKey: options.routingKey,
      single,
      signal: options.signal,
    });
  }

  /** Creates the topic; its topicId. */
  async create(settings: TopicSettings = {}, options: CallOptions = {}): Promise<string> {
    const params = { topicName: this.name, ...defined({ ...settings }) };
    return (await this.http("CreateTopic").ok("CreateTopic", params, options)).topicId;
  }

  /** Deletes the topic (refused while it has subscriptions). */
  async remove(options: CallOptions = {}): Promise<void> {
    await this.http("DeleteTopic").ok("DeleteTopic", { topicName: this.name }, options);
  }

  async attributes(options: CallOptions = {}): Promise<TopicAttributes> {
    const http = this.http("GetTopicAttributes");
    const reply = await http.ok("GetTopicAttributes", { topicName: this.name }, options);
    const { LoggingEnabled: _sdkField, ...fields } = fieldsOf(reply);
    return fields as TopicAttributes;
  }

  async setAttributes(settings: { maxMsgSize?: number }, options: CallOptions = {}): Promise<void> {
    const params = { topicName: this.name, ...defined({ ...settings }) };
    await this.http("SetTopicAttributes").ok("SetTopicAttributes", params, options);
  }

  /** Subscribes `name`; its subscriptionId. */
  async subscribe(
    name: string,
    subscription: NewSubscription,
    options: CallOptions = {},
  ): Promise<string> {
    const params = {
      topicName: this.name,
      subscriptionName: name,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
      ...subscriptionParams(subscription),
    };
    return (await this.http("Subscribe").ok("Subscribe", params, options)).subscriptionId;
  }

  async subscriptions(options: ListOptions = {}): Promise<{
    totalCount: number;
    subscriptions: {
      subscriptionId: string;
      subscriptionName: string;
      protocol: string;
      endpoint: string;
    }[];
  }> {
    const { searchWord, offset, limit, ...call } = options;
    const params = { topicName: this.name, ...defined({ searchWord, offset, limit }) };
    const http = this.http("ListSubscriptionByTopic");
    const reply = await http.ok("ListSubscriptionByTopic", params, call);
    return { totalCount: reply.totalCount, subscriptions: reply.subscriptionList };
  }

  subscription(name: string): Subscription {
    return new Subscription(this.parts, this.name, name);
  }
}

export class Subscription {
  constructor(
    private readonly parts: ClientParts,
    readonly topic: string,
    readonly name: string,
  ) {}

  private call(action: string, params: Record<string, string | number>, options: CallOptions) {
    const names = { topicName: this.topic, subscriptionName: this.name };
    return this.parts.http(action).ok(action, { ...names, ...params }, options);
  }

  async attributes(options: CallOptions = {}): Promise<SubscriptionAttributes> {
    const reply = await this.call("GetSubscriptionAttributes", {}, options);
    // Other SDKs' spellings of the same two fields.
    const { protocal: _py, filterTags: _tags, ...fields } = fieldsOf(reply);
    return fields as SubscriptionAttributes;
  }

  async setAttributes(settings: SubscriptionSettings, options: CallOptions = {}): Promise<void> {
    await this.call("SetSubscriptionAttributes", subscriptionParams(settings), options);
  }

  async clearFilterTags(options: CallOptions = {}): Promise<void> {
    await this.call("ClearSubscriptionFilterTags", {}, options);
  }

  /** Unsubscribe. */
  async remove(options: CallOptions = {}): Promise<void> {
    await this.call("Unsubscribe", {}, options);
  }
}
