/**
 * One client socket: auth state, request dispatch with many requests in flight (replies go out as
 * they complete, matched by seqno), idle timeout, and backpressure both ways — at the in-flight
 * limit, or while the client leaves replies unread, the socket stops being read instead of
 * buffering without bound. A framing error closes only this connection; a request error is answered
 * on its seqno. Until auth succeeds only small frames are read.
 */
import type { Socket } from "node:net";
import type { CmqErrorData } from "../../src/domain/errors";
import type { BridgeMetrics } from "./bridge-metrics";
import { CMD } from "./codec/commands";
import { type FrameError, FrameReader, writeFrame } from "./codec/frame";
import { encodeReply, type TcpReply } from "./codec/replies";
import { answerOversized, decodeRequest, type TcpRequest } from "./codec/requests";
import { corkedWriter } from "./corked-writes";
import type { Forwarder } from "./forwarder";
import { errorReply, handle } from "./handlers";
import type { InFlightBudget } from "./in-flight-budget";
import type { Producer, TransactionPoller } from "./transaction-poller";

export interface ConnectionLimits {
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxInFlight: number;
}

/** What a connection shares with the rest of the bridge. */
export interface ConnectionDeps {
  forwarder: Forwarder;
  transactions: TransactionPoller;
  budget: InFlightBudget;
  /** Where producers' live connections are found for transaction check-backs. */
  producers: ProducerRegistry;
  log: (message: string) => void;
  metrics: BridgeMetrics;
}

export interface ProducerRegistry {
  add(producer: Producer, connection: Connection): void;
  remove(producer: Producer, connection: Connection): void;
}

/** An auth frame is about a hundred bytes; nothing bigger is read from an unknown client. */
const MAX_FRAME_BEFORE_AUTH = 4096;
/** Unread replies above this stop new requests; above the hard cap the client is dropped. */
const REPLY_BUFFER_HIGH_WATER = 4 * 1024 * 1024;
const REPLY_BUFFER_HARD_CAP = 64 * 1024 * 1024;

type Head = { seqno: bigint; cmd: number };

export class Connection {
  private readonly reader: FrameReader;
  private producer: Producer | undefined;
  /** seqnos of frames the bridge starts (transaction check-backs). */
  private serverSeqno = 0n;
  private authenticating = false;
  private inFlight = 0;
  private closed = false;
  private reading = true;
  /** Frames read but not started: at a limit they wait here and the socket pauses. */
  private readonly backlog: Uint8Array[] = [];
  /** Frames of the backlog already counted as read (put back while the budget was spent). */
  private readonly deferred = new Set<Uint8Array>();
  /** Requests being answered, with the head their reply must carry. */
  private readonly pending = new Map<Promise<void>, Head>();
  /** Aborts this connection's calls to the Worker when it closes. */
  private readonly abort = new AbortController();
  private readonly wake = () => this.pump();

  private readonly budget: InFlightBudget;
  private readonly log: (message: string) => void;
  private readonly send: (bytes: Uint8Array) => void;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly deps: ConnectionDeps,
  ) {
    this.budget = deps.budget;
    // Taken now: after a reset the socket no longer knows its peer, and the closing line needs it.
    const peer = peerName(socket);
    this.log = (message) => deps.log(`client ${peer}: ${message}`);
    this.send = corkedWriter(socket);
    this.reader = new FrameReader(Math.min(MAX_FRAME_BEFORE_AUTH, limits.maxFrameBytes));
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on("timeout", () => this.close("idle timeout"));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", this.wake);
    socket.on("error", (e) => this.close(`socket error: ${e.message}`));
    socket.on("close", () => this.close());
  }

  /** Resolves when every request taken so far has been answered. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.keys()]);
  }

  /** Stops reading new requests (shutdown); in-flight ones still get their replies. */
  stopReading(): void {
    this.reading = false;
    this.backlog.length = 0;
    this.socket.pause();
    this.socket.removeAllListeners("data");
  }

  /** Answers every request still in flight with `error`, then closes (end of a shutdown grace). */
  failPending(error: CmqErrorData): void {
    for (const head of this.pending.values()) this.write({ ...head, ...errorReply(error) });
    this.pending.clear();
    this.socket.end();
    this.close();
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.backlog.length = 0;
    this.deferred.clear();
    if (reason) this.log(`closing: ${reason}`);
    this.budget.forget(this.wake);
    if (this.producer) this.deps.producers.remove(this.producer, this);
    this.abort.abort();
    // Let a reply already written reach the client (end), but never wait for it (destroy soon).
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  /** Asks this connection's producer what became of a transaction message (cmd 1042). */
  askTransaction(queue: string, msgId: bigint): void {
    this.serverSeqno += 1n;
    this.write({
      seqno: this.serverSeqno,
      cmd: CMD.transactionQuery,
      kind: "transactionQuery",
      queue,
      msgId,
    });
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.reader.push(chunk);
    this.backlog.push(...frames);
    this.pump();
    if (!error) return;
    this.deps.metrics.protocolError(error.kind);
    if (error.kind === "lengthTooLarge") {
      this.refuseOversized(error);
      this.close(`protocol error: a frame of ${error.length} bytes > limit ${error.max}`);
    } else this.close(`protocol error: ${error.kind}`);
  }

  /** Tells the client why it is dropped, when the frame's head can be read (cmq-api-tcp.md). */
  private refuseOversized(error: Extract<FrameError, { kind: "lengthTooLarge" }>): void {
    const owed = answerOversized(error);
    if (!owed) return;
    // Before auth only small frames are read: a big request there is refused for that reason.
    const early = owed.cmd !== CMD.auth && this.producer === undefined;
    const refusal: CmqErrorData = early ? { kind: "notAuthenticated" } : owed.error;
    this.write({ seqno: owed.seqno, cmd: owed.cmd, ...errorReply(refusal) });
  }

  /** Starts waiting frames while there is room; pauses the socket while some must wait. */
  private pump(): void {
    while (!this.closed && this.backlog.length > 0 && this.hasRoom()) {
      this.onFrame(this.backlog.shift() as Uint8Array);
    }
    if (this.closed || !this.reading) return;
    if (this.backlog.length > 0) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
  }

  private hasRoom(): boolean {
    if (this.inFlight >= this.limits.maxInFlight) return false;
    // A client that does not read its replies gets no more requests started (socket "drain").
    return this.socket.writableLength < REPLY_BUFFER_HIGH_WATER;
  }

  private onFrame(frame: Uint8Array): void {
    const decoded = decodeRequest(frame);
    if (!decoded.ok) {
      if (decoded.fatal) {
        this.deps.metrics.protocolError("undecodable");
        this.close(`protocol error: ${decoded.reason}`);
      } else {
        this.deps.metrics.frameIn(decoded.cmd);
        this.write({ seqno: decoded.seqno, cmd: decoded.cmd, ...errorReply(decoded.error) });
      }
      return;
    }
    const r = decoded.request;
    // A frame put back below (budget spent) comes through here again: count it once.
    if (!this.deferred.delete(frame)) this.deps.metrics.frameIn(r.cmd);
    const head = { seqno: r.seqno, cmd: r.cmd };
    if (r.kind !== "auth" && this.producer === undefined && !this.authenticating) {
      // The Java SDK drops the connection on 306; so do we.
      this.write({ ...head, ...errorReply({ kind: "notAuthenticated" }) });
      this.close("request before authentication");
      return;
    }
    // Heartbeats cost nothing: they keep an idle client alive even while the budget is spent.
    if (r.kind === "heartbeat") {
      if (!r.oneway) this.write({ ...head, kind: "ok" });
      return;
    }
    if (!this.budget.take()) {
      this.deferred.add(frame);
      this.backlog.unshift(frame);
      this.budget.wait(this.wake);
      return;
    }
    this.track(this.answer(r), head);
  }

  private async answer(r: Exclude<TcpRequest, { kind: "heartbeat" }>): Promise<void> {
    const head = { seqno: r.seqno, cmd: r.cmd };
    if (r.kind === "auth") return this.authenticate(r);
    try {
      // A request pipelined right behind the auth frame waits for its outcome.
      await this.authDone;
      if (this.producer === undefined) return;
      const { forwarder, transactions } = this.deps;
      const reply = await handle(r, {
        producer: this.producer,
        forwarder,
        transactions,
        signal: this.abort.signal,
      });
      if (reply) this.write(reply);
    } catch (e) {
      if (this.closed) return;
      this.log(`request ${r.kind} failed: ${e instanceof Error ? e.message : String(e)}`);
      this.write({ ...head, ...errorReply({ kind: "internal" }) });
    }
  }

  private authDone: Promise<void> = Promise.resolve();

  private authenticate(r: Extract<TcpRequest, { kind: "auth" }>): Promise<void> {
    const head = { seqno: r.seqno, cmd: r.cmd };
    if (this.producer !== undefined || this.authenticating) {
      this.write({ ...head, ...errorReply({ kind: "alreadyAuthenticated" }) });
      return Promise.resolve();
    }
    this.authenticating = true;
    this.authDone = (async () => {
      try {
        const { forwarder, producers } = this.deps;
        const outcome = await forwarder.auth(
          r.secretId,
          r.clientId,
          r.signature,
          r.signatureMethod,
        );
        if (outcome.ok) {
          this.producer = { appId: outcome.value.appId, clientId: r.clientId };
          producers.add(this.producer, this);
          this.reader.setMaxFrameBytes(this.limits.maxFrameBytes);
          this.write({ ...head, kind: "ok" });
          return;
        }
        this.write({ ...head, ...errorReply(outcome.error) });
        this.close("authentication failed");
      } catch (e) {
        this.log(`auth failed: ${e instanceof Error ? e.message : String(e)}`);
        this.write({ ...head, ...errorReply({ kind: "internal" }) });
        this.close("authentication could not be checked");
      } finally {
        this.authenticating = false;
      }
    })();
    return this.authDone;
  }

  private track(work: Promise<void>, head: Head): void {
    this.inFlight++;
    const done = work
      .catch((e) => this.log(`request failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.pending.delete(done);
        this.inFlight--;
        this.budget.give();
        this.pump();
      });
    this.pending.set(done, head);
  }

  private write(reply: TcpReply): void {
    if (this.closed) return;
    this.deps.metrics.frameOut(reply.cmd, reply.kind === "error" ? reply.result : undefined);
    this.send(writeFrame(encodeReply(reply)));
    if (this.socket.writableLength > REPLY_BUFFER_HARD_CAP)
      this.close("client does not read its replies");
  }
}

/** `host:port` of the client, IPv6 in brackets. */
function peerName(socket: Socket): string {
  const host = socket.remoteAddress ?? "unknown";
  return `${host.includes(":") ? `[${host}]` : host}:${socket.remotePort ?? "?"}`;
}
