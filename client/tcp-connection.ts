/**
 * A typed async client for CMQ's TCP protocol: connect, authenticate as the Java SDK does, then
 * pipeline requests (many in flight, replies matched by seqno). Used by tests and benchmarks.
 * @module
 */
import { createHmac } from "node:crypto";
import { connect, type Socket } from "node:net";
import { CMD } from "../codec/commands";
import { FrameReader, writeFrame } from "../codec/frame";
import {
  type ConfirmedItem,
  type DeleteFailure,
  decodeReply,
  type PulledMessage,
  type TcpReply,
} from "../codec/replies";
import { encodeRequest, type TcpRequestBody } from "../codec/requests";
import { corkedWriter } from "../corked-writes";

/** The producer's local outcome of a transaction: 1 commit, 2 rollback, undefined unknown. */
export type TransactionChecker = (queue: string, msgId: bigint) => 1 | 2 | undefined;

export class TcpRequestError extends Error {
  constructor(
    readonly result: number,
    readonly error: string,
  ) {
    super(`CMQ TCP error ${result}: ${error}`);
  }
}

export interface TcpClientOptions {
  host: string;
  port: number;
  secretId: string;
  secretKey: string;
  clientId?: string;
  signatureMethod?: "HmacSHA1" | "HmacSHA256";
  /** Per-request timeout; a pull adds its wait (as the Java SDK does). */
  timeoutMs?: number;
}

const NO_MESSAGE = 10200;
const text = new TextEncoder();

export class TcpClient {
  private readonly reader = new FrameReader(64 * 1024 * 1024);
  private readonly waiting = new Map<
    bigint,
    { resolve: (r: TcpReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private seqno = 0n;
  private closedError: Error | undefined;
  private transactionChecker: TransactionChecker | undefined;

  private readonly writeBytes: (bytes: Uint8Array) => void;

  private constructor(
    private readonly socket: Socket,
    private readonly options: TcpClientOptions,
  ) {
    this.writeBytes = corkedWriter(socket);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      const { frames, error } = this.reader.push(chunk);
      for (const frame of frames) this.onReply(decodeReply(frame));
      if (error) socket.destroy(new Error(`protocol error from server: ${error.kind}`));
    });
    socket.on("close", () => this.failAll(new Error("connection closed")));
    socket.on("error", (e) => this.failAll(e));
  }

  /** Connects and authenticates. */
  static async connect(options: TcpClientOptions): Promise<TcpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(options.port, options.host, () => resolve(s));
      s.once("error", reject);
    });
    const client = new TcpClient(socket, options);
    try {
      await client.authenticate();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** Replies arrived and not yet consumed: true while requests are outstanding. */
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
    await this.request(CMD.auth, {
      kind: "auth",
      secretId: o.secretId,
      signature,
      clientId,
      signatureMethod: method,
    });
  }

  /** Sends any request and resolves with its reply; error replies reject with TcpRequestError. */
  request(cmd: number, body: TcpRequestBody, extraTimeoutMs = 0): Promise<TcpReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    const seqno = ++this.seqno;
    return new Promise<TcpReply>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiting.delete(seqno);
          reject(new Error(`no reply to seqno ${seqno} (cmd ${cmd})`));
        },
        (this.options.timeoutMs ?? 10_000) + extraTimeoutMs,
      );
      this.waiting.set(seqno, { resolve, reject, timer });
      this.writeBytes(writeFrame(encodeRequest({ seqno, cmd, oneway: false, ...body })));
    });
  }

  /** Sends a request that wants no reply (is_oneway), as the Java SDK sends confirms. */
  notify(cmd: number, body: TcpRequestBody): void {
    const seqno = ++this.seqno;
    this.writeBytes(writeFrame(encodeRequest({ seqno, cmd, oneway: true, ...body })));
  }

  /** Writes raw bytes (tests of malformed input). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async send(queue: string, body: string, delaySeconds = 0): Promise<bigint> {
    const reply = await this.request(CMD.send, {
      kind: "send",
      batch: false,
      queue,
      bodies: [text.encode(body)],
      delaySeconds,
    });
    return expectKind(reply, "msgIds").ids[0] ?? 0n;
  }

  async batchSend(queue: string, bodies: string[], delaySeconds = 0): Promise<bigint[]> {
    const reply = await this.request(CMD.batchSend, {
      kind: "send",
      batch: true,
      queue,
      bodies: bodies.map((b) => text.encode(b)),
      delaySeconds,
    });
    return expectKind(reply, "msgIds").ids;
  }

  /** One message, or undefined when the wait ended with no message (result 10200). */
  async pull(
    queue: string,
    waitSeconds = 0,
    visibilityTimeoutSeconds?: number,
  ): Promise<PulledMessage | undefined> {
    const messages = await this.pullMany(CMD.pull, queue, 1, waitSeconds, visibilityTimeoutSeconds);
    return messages[0];
  }

  batchPull(
    queue: string,
    max: number,
    waitSeconds = 0,
    visibilityTimeoutSeconds?: number,
  ): Promise<PulledMessage[]> {
    return this.pullMany(CMD.batchPull, queue, max, waitSeconds, visibilityTimeoutSeconds);
  }

  private async pullMany(
    cmd: number,
    queue: string,
    max: number,
    waitSeconds: number,
    visibilityTimeoutSeconds?: number,
  ) {
    try {
      const reply = await this.request(
        cmd,
        {
          kind: "pull",
          batch: cmd === CMD.batchPull,
          queue,
          max,
          waitSeconds,
          visibilityTimeoutSeconds,
        },
        waitSeconds * 1000,
      );
      return expectKind(reply, "pulled").messages;
    } catch (e) {
      if (e instanceof TcpRequestError && e.result === NO_MESSAGE) return [];
      throw e;
    }
  }

  async delete(queue: string, receiptHandle: bigint): Promise<void> {
    await this.request(CMD.delete, {
      kind: "delete",
      batch: false,
      queue,
      handles: [receiptHandle],
    });
  }

  /** The handles that could not be deleted, with why. */
  async batchDelete(queue: string, receiptHandles: bigint[]): Promise<DeleteFailure[]> {
    const reply = await this.request(CMD.batchDelete, {
      kind: "delete",
      batch: true,
      queue,
      handles: receiptHandles,
    });
    return expectKind(reply, "deleted").failures;
  }

  async publish(
    topic: string,
    body: string,
    tags: string[] = [],
    routingKey?: string,
  ): Promise<bigint> {
    const reply = await this.request(CMD.publish, {
      kind: "publish",
      batch: false,
      topic,
      bodies: [text.encode(body)],
      tags,
      routingKey,
    });
    return expectKind(reply, "msgIds").ids[0] ?? 0n;
  }

  async batchPublish(
    topic: string,
    bodies: string[],
    tags: string[] = [],
    routingKey?: string,
  ): Promise<bigint[]> {
    const reply = await this.request(CMD.batchPublish, {
      kind: "publish",
      batch: true,
      topic,
      bodies: bodies.map((b) => text.encode(b)),
      tags,
      routingKey,
    });
    return expectKind(reply, "msgIds").ids;
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

  async heartbeat(): Promise<void> {
    await this.request(CMD.heartbeat, { kind: "heartbeat" });
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
    const waiter = this.waiting.get(reply.seqno);
    if (!waiter) return;
    this.waiting.delete(reply.seqno);
    clearTimeout(waiter.timer);
    if (reply.kind === "error") waiter.reject(new TcpRequestError(reply.result, reply.error));
    else waiter.resolve(reply);
  }

  private failAll(error: Error): void {
    this.closedError ??= error;
    for (const [seqno, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
      this.waiting.delete(seqno);
    }
  }
}

function expectKind<K extends TcpReply["kind"]>(
  reply: TcpReply,
  kind: K,
): Extract<TcpReply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}`);
  return reply as Extract<TcpReply, { kind: K }>;
}
