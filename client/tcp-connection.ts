/**
 * One connection of CMQ's TCP protocol, as the Java SDK speaks it: connect, authenticate, then
 * pipeline requests (many in flight, replies matched by seqno). Requests written in one turn of the
 * event loop leave in one write. A closed connection stays closed: transport-tcp.ts reconnects.
 * @module
 */
import { createHmac } from "node:crypto";
import type { Socket } from "node:net";
import { WIRE_CODES } from "../src/contract/wire-codes";
import { CMD } from "../tcp-bridge/src/codec/commands";
import { FrameReader, writeFrame } from "../tcp-bridge/src/codec/frame";
import {
  type ConfirmedItem,
  type DeleteFailure,
  decodeReply,
  type PulledMessage,
  type TcpReply,
} from "../tcp-bridge/src/codec/replies";
import { encodeRequest, type TcpRequestBody } from "../tcp-bridge/src/codec/requests";
import { CmqNetworkError, TcpRequestError } from "./errors";
import { openSocket } from "./tcp-socket";

export { TcpRequestError };

/** The producer's local outcome of a transaction: 1 commit, 2 rollback, undefined unknown. */
export type TransactionChecker = (queue: string, msgId: bigint) => 1 | 2 | undefined;

export interface TcpClientOptions {
  host: string;
  port: number;
  secretId: string;
  secretKey: string;
  clientId?: string;
  signatureMethod?: "HmacSHA1" | "HmacSHA256";
  /** Per-request timeout, ms; a pull adds its wait (as the Java SDK does). Default 10 000. */
  timeoutMs?: number;
  /** Ends the connect (and the auth) when it aborts. */
  signal?: AbortSignal;
}

/** What every request method takes besides its own parameters. */
export interface TcpCallOptions {
  /** Aborts the wait for the reply (the request may still take effect on the server). */
  signal?: AbortSignal;
}

interface Waiter {
  cmd: number;
  resolve: (r: TcpReply) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
  unlisten: () => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const text = new TextEncoder();

export class TcpClient {
  private readonly reader = new FrameReader(64 * 1024 * 1024);
  private readonly waiting = new Map<bigint, Waiter>();
  private seqno = 0n;
  private closedError: Error | undefined;
  private transactionChecker: TransactionChecker | undefined;
  /** Frames of this turn of the event loop, written together at its end. */
  private outbox: Uint8Array[] = [];
  /** Requests whose caller stopped waiting (aborted) before the reply came. */
  private readonly abandoned = new Map<bigint, TcpRequestBody>();
  /** Sees the reply to an abandoned request, if it comes, with the request. */
  lateReply: ((reply: TcpReply, request: TcpRequestBody) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly options: TcpClientOptions,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      const { frames, error } = this.reader.push(chunk);
      for (const frame of frames) this.onReply(decodeReply(frame));
      if (error) socket.destroy(new Error(`protocol error from server: ${error.kind}`));
    });
    socket.on("close", () => this.failAll(new CmqNetworkError("connection closed")));
    socket.on("error", (e) => this.failAll(new CmqNetworkError(e.message, { cause: e })));
  }

  /** Connects and authenticates. Fails with CmqNetworkError when no connection could be made. */
  static async connect(options: TcpClientOptions): Promise<TcpClient> {
    const socket = await openSocket(options);
    const client = new TcpClient(socket, options);
    try {
      await client.authenticate();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.waiting.size;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private async authenticate(): Promise<void> {
    const o = this.options;
    const clientId = o.clientId ?? "127.0.0.1@DEFAULT";
    const method = o.signatureMethod ?? "HmacSHA1";
    const signature = createHmac(method === "HmacSHA256" ? "sha256" : "sha1", o.secretKey)
      .update(clientId + o.secretId)
      .digest("base64");
    const auth = { secretId: o.secretId, signature, clientId, signatureMethod: method };
    await this.request(CMD.auth, { kind: "auth", ...auth }, 0, { signal: o.signal });
  }

  /** Sends any request and resolves with its reply; error replies reject with TcpRequestError. */
  request(
    cmd: number,
    body: TcpRequestBody,
    extraTimeoutMs = 0,
    options: TcpCallOptions = {},
  ): Promise<TcpReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const seqno = ++this.seqno;
    return new Promise<TcpReply>((resolve, reject) => {
      const forget = () => {
        const waiter = this.waiting.get(seqno);
        if (!waiter) return undefined;
        this.waiting.delete(seqno);
        clearTimeout(waiter.timer);
        waiter.unlisten();
        return waiter;
      };
      const timeoutMs = (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + extraTimeoutMs;
      const timer = setTimeout(() => {
        forget();
        reject(new CmqNetworkError(`no reply to seqno ${seqno} (cmd ${cmd}) in ${timeoutMs} ms`));
      }, timeoutMs);
      // The reply may still come: lateReply sees it (a pull's messages must not be left hidden).
      const aborted = () => {
        forget();
        this.abandoned.set(seqno, body);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", aborted, { once: true });
      const unlisten = () => signal?.removeEventListener("abort", aborted);
      this.waiting.set(seqno, { cmd, resolve, reject, timer, unlisten });
      this.write(writeFrame(encodeRequest({ seqno, cmd, oneway: false, ...body })));
    });
  }

  /** Sends a request that wants no reply (is_oneway), as the Java SDK sends confirms. */
  notify(cmd: number, body: TcpRequestBody): void {
    const seqno = ++this.seqno;
    this.write(writeFrame(encodeRequest({ seqno, cmd, oneway: true, ...body })));
  }

  /** Writes raw bytes now, ahead of this turn's frames (tests of malformed input). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** A pipelining caller sends dozens of requests in a burst: one write, not one per frame. */
  private write(frame: Uint8Array): void {
    this.outbox.push(frame);
    if (this.outbox.length > 1) return;
    setImmediate(() => {
      const frames = this.outbox;
      this.outbox = [];
      const bytes = frames.length === 1 ? frames[0] : Buffer.concat(frames);
      if (bytes && !this.socket.destroyed) this.socket.write(bytes);
    });
  }

  async send(
    queue: string,
    body: string,
    delaySeconds = 0,
    options: TcpCallOptions = {},
  ): Promise<bigint> {
    const [id] = await this.sendBodies(CMD.send, queue, [body], delaySeconds, options);
    return id ?? 0n;
  }

  batchSend(
    queue: string,
    bodies: string[],
    delaySeconds = 0,
    options: TcpCallOptions = {},
  ): Promise<bigint[]> {
    return this.sendBodies(CMD.batchSend, queue, bodies, delaySeconds, options);
  }

  private async sendBodies(
    cmd: number,
    queue: string,
    bodies: string[],
    delaySeconds: number,
    options: TcpCallOptions,
  ): Promise<bigint[]> {
    const batch = cmd === CMD.batchSend;
    const encoded = bodies.map((b) => text.encode(b));
    const request = { kind: "send" as const, batch, queue, bodies: encoded, delaySeconds };
    return expectKind(await this.request(cmd, request, 0, options), "msgIds").ids;
  }

  /** One message, or undefined when the wait ended with no message. */
  async pull(
    queue: string,
    waitSeconds = 0,
    visibilityTimeoutSeconds?: number,
    options: TcpCallOptions = {},
  ): Promise<PulledMessage | undefined> {
    const pull = { max: 1, waitSeconds, visibilityTimeoutSeconds };
    const messages = await this.pullMany(CMD.pull, queue, pull, options);
    return messages[0];
  }

  batchPull(
    queue: string,
    max: number,
    waitSeconds = 0,
    visibilityTimeoutSeconds?: number,
    options: TcpCallOptions = {},
  ): Promise<PulledMessage[]> {
    const pull = { max, waitSeconds, visibilityTimeoutSeconds };
    return this.pullMany(CMD.batchPull, queue, pull, options);
  }

  /** "No message" (result 10200) is an empty list. */
  private async pullMany(
    cmd: number,
    queue: string,
    pull: { max: number; waitSeconds: number; visibilityTimeoutSeconds?: number },
    options: TcpCallOptions,
  ): Promise<PulledMessage[]> {
    const body = { kind: "pull" as const, batch: cmd === CMD.batchPull, queue, ...pull };
    try {
      const reply = await this.request(cmd, body, pull.waitSeconds * 1000, options);
      return expectKind(reply, "pulled").messages;
    } catch (e) {
      if (e instanceof TcpRequestError && e.result === WIRE_CODES.noMessageTcp) return [];
      throw e;
    }
  }

  async delete(queue: string, receiptHandle: bigint, options: TcpCallOptions = {}): Promise<void> {
    const body = { kind: "delete" as const, batch: false, queue, handles: [receiptHandle] };
    await this.request(CMD.delete, body, 0, options);
  }

  /** The handles that could not be deleted, with why. */
  async batchDelete(
    queue: string,
    receiptHandles: bigint[],
    options: TcpCallOptions = {},
  ): Promise<DeleteFailure[]> {
    const body = { kind: "delete" as const, batch: true, queue, handles: receiptHandles };
    return expectKind(await this.request(CMD.batchDelete, body, 0, options), "deleted").failures;
  }

  async publish(
    topic: string,
    body: string,
    tags: string[] = [],
    routingKey?: string,
    options: TcpCallOptions = {},
  ): Promise<bigint> {
    const [id] = await this.publishBodies(CMD.publish, topic, [body], tags, routingKey, options);
    return id ?? 0n;
  }

  batchPublish(
    topic: string,
    bodies: string[],
    tags: string[] = [],
    routingKey?: string,
    options: TcpCallOptions = {},
  ): Promise<bigint[]> {
    return this.publishBodies(CMD.batchPublish, topic, bodies, tags, routingKey, options);
  }

  private async publishBodies(
    cmd: number,
    topic: string,
    bodies: string[],
    tags: string[],
    routingKey: string | undefined,
    options: TcpCallOptions,
  ): Promise<bigint[]> {
    const batch = cmd === CMD.batchPublish;
    const encoded = bodies.map((b) => text.encode(b));
    const request = { kind: "publish" as const, batch, topic, bodies: encoded, tags, routingKey };
    return expectKind(await this.request(cmd, request, 0, options), "msgIds").ids;
  }

  /** Sends transaction (half) messages: stored, not deliverable until confirmed. */
  async sendTransaction(
    queue: string,
    bodies: string[],
    firstQueryIntervalSeconds: number,
  ): Promise<bigint[]> {
    const reply = await this.request(CMD.batchSend, {
      kind: "send",
      batch: true,
      queue,
      bodies: bodies.map((b) => text.encode(b)),
      delaySeconds: 0,
      transaction: { firstQueryIntervalSeconds },
    });
    return expectKind(reply, "msgIds").ids;
  }

  /** Commits (1) or rolls back (2) transaction messages; one-way like the Java SDK unless asked. */
  async confirm(
    queue: string,
    items: { msgId: bigint; state: number }[],
    oneway = true,
  ): Promise<ConfirmedItem[]> {
    const body = { kind: "transactionConfirm" as const, queue, items };
    if (oneway) {
      this.notify(CMD.transactionConfirm, body);
      return [];
    }
    return expectKind(await this.request(CMD.transactionConfirm, body), "confirmed").items;
  }

  /**
   * Answers the server's check-backs (cmd 1042) as the Java SDK's TransactionProducer does: with
   * a new one-way confirm for commit (1) or rollback (2), and nothing when the state is unknown.
   */
  onTransactionQuery(checker: TransactionChecker): void {
    this.transactionChecker = checker;
  }

  async heartbeat(options: TcpCallOptions = {}): Promise<void> {
    await this.request(CMD.heartbeat, { kind: "heartbeat" }, 0, options);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onReply(reply: TcpReply): void {
    if (reply.kind === "transactionQuery") {
      const state = this.transactionChecker?.(reply.queue, reply.msgId);
      if (state !== undefined) void this.confirm(reply.queue, [{ msgId: reply.msgId, state }]);
      return;
    }
    const abandoned = this.abandoned.get(reply.seqno);
    if (abandoned) {
      this.abandoned.delete(reply.seqno);
      this.lateReply?.(reply, abandoned);
      return;
    }
    const waiter = this.waiting.get(reply.seqno);
    if (!waiter) return;
    this.waiting.delete(reply.seqno);
    clearTimeout(waiter.timer);
    waiter.unlisten();
    if (reply.kind === "error") {
      const action = `TCP ${commandName(waiter.cmd)}`;
      waiter.reject(new TcpRequestError(reply.result, reply.error, action));
    } else waiter.resolve(reply);
  }

  private failAll(error: Error): void {
    this.closedError ??= error;
    this.abandoned.clear();
    for (const [seqno, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.unlisten();
      waiter.reject(error);
      this.waiting.delete(seqno);
    }
  }
}

function commandName(cmd: number): string {
  return Object.entries(CMD).find(([, n]) => n === cmd)?.[0] ?? String(cmd);
}

function expectKind<K extends TcpReply["kind"]>(
  reply: TcpReply,
  kind: K,
): Extract<TcpReply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}`);
  return reply as Extract<TcpReply, { kind: K }>;
}
