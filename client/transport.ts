/**
 * What a data-plane transport carries — send, receive, delete, publish — and the shapes both
 * transports answer in (ids and receipt handles as decimal text, times in Unix seconds), plus the
 * parts a client hands its queue and topic handles: the transport, and HTTP where CMQ has only it.
 * @module
 */
import { CmqUsageError, type TransportName } from "./errors";
import type { CmqHttpClient } from "./http-client";

export interface ReceivedWire {
  msgId: string;
  receiptHandle: string;
  body: string;
  /** Unix seconds. */
  enqueueTime: number;
  firstDequeueTime: number;
  nextVisibleTime: number;
  dequeueCount: number;
  /** A dead-lettered message's source queue, first enqueue (Unix s) and dequeue count (TCP). */
  deadLetter?: { originalQueue: string; originalPubTime: number; originalDequeueCount: number };
}

/** A receipt handle a batch delete could not delete, with CMQ's code and message. */
export interface DeleteFailure {
  receiptHandle: string;
  code: number;
  message: string;
}

interface Request {
  signal?: AbortSignal;
  /** The single-message action (SendMessage, TCP_SEND…) rather than the batch one. */
  single: boolean;
}

export interface SendRequest extends Request {
  queue: string;
  bodies: readonly string[];
  delaySeconds: number;
}

export interface ReceiveRequest extends Request {
  queue: string;
  max: number;
  waitSeconds: number;
}

export interface DeleteRequest extends Request {
  queue: string;
  handles: readonly string[];
}

export interface PublishRequest extends Request {
  topic: string;
  bodies: readonly string[];
  tags: readonly string[];
  routingKey?: string;
}

export interface DataTransport {
  readonly name: TransportName;
  /** Message ids, in body order. */
  send(request: SendRequest): Promise<string[]>;
  /** Empty when the wait ended with "no message". */
  receive(request: ReceiveRequest): Promise<ReceivedWire[]>;
  /** The handles that did not delete; a failure of the whole request throws. */
  delete(request: DeleteRequest): Promise<DeleteFailure[]>;
  publish(request: PublishRequest): Promise<string[]>;
  close(): void;
}

/** The transport, and the HTTP client for what CMQ offers only over HTTP (management, Edge*). */
export class ClientParts {
  constructor(
    readonly transport: DataTransport,
    private readonly httpClient: CmqHttpClient | undefined,
  ) {}

  get hasHttp(): boolean {
    return this.httpClient !== undefined;
  }

  /** The HTTP client, or why `what` cannot be done without one. */
  http(what: string): CmqHttpClient {
    if (this.httpClient) return this.httpClient;
    throw new CmqUsageError(
      `${what} goes over HTTP, which CMQ's TCP protocol has no command for: give tcpClient() an ` +
        "`endpoint` (the HTTP API's URL) as well",
    );
  }
}
