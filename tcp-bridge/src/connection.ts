/**
 * One client socket: auth state, request dispatch with many requests in flight (replies go out as
 * they complete, matched by seqno), idle timeout, and backpressure — at the in-flight limit the
 * socket stops being read instead of buffering without bound. A framing error closes only this
 * connection; a request error is answered on its seqno.
 */
import type { Socket } from "node:net";
import type { CmqErrorData } from "../../src/domain/errors";
import { FrameReader, writeFrame } from "./codec/frame";
import { encodeReply, type TcpReply } from "./codec/replies";
import { decodeRequest, type TcpRequest } from "./codec/requests";
import type { Forwarder } from "./forwarder";
import { errorReply, handle } from "./handlers";
import type { InFlightBudget } from "./in-flight-budget";

export interface ConnectionLimits {
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxInFlight: number;
}

export class Connection {
  private readonly reader: FrameReader;
  private appId: string | undefined;
  private authenticating = false;
  private inFlight = 0;
  private closed = false;
  private reading = true;
  /** Frames read but not started: at the in-flight limit they wait here and the socket pauses. */
  private readonly backlog: Uint8Array[] = [];
  /** Requests being answered, with the head their reply must carry. */
  private readonly pending = new Map<Promise<void>, { seqno: bigint; cmd: number }>();
  private readonly wake = () => this.pump();

  constructor(
    private readonly socket: Socket,
    private readonly forwarder: Forwarder,
    private readonly limits: ConnectionLimits,
    private readonly budget: InFlightBudget,
    private readonly log: (message: string) => void,
  ) {
    this.reader = new FrameReader(limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on("timeout", () => this.close("idle timeout"));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => this.close(`socket error: ${e.message}`));
    socket.on("close", () => this.close());
  }

  /** Requests still being answered. */
  get busy(): number {
    return this.pending.size;
  }

  /** Resolves when every request taken so far has been answered. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.keys()]);
  }

  /** Answers every request still in flight with `error`, then closes (end of a shutdown grace). */
  failPending(error: CmqErrorData): void {
    for (const head of this.pending.values()) this.write({ ...head, ...errorReply(error) });
    this.pending.clear();
    this.socket.end();
    this.close();
  }

  /** Stops reading new requests (shutdown); in-flight ones still get their replies. */
  stopReading(): void {
    this.reading = false;
    this.socket.pause();
    this.socket.removeAllListeners("data");
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.backlog.length = 0;
    if (reason)
      this.log(`closing ${this.socket.remoteAddress}:${this.socket.remotePort}: ${reason}`);
    this.budget.forget(this.wake);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.reader.push(chunk);
    this.backlog.push(...frames);
    this.pump();
    if (error) this.close(`protocol error: ${error.kind}`);
  }

  /** Starts waiting frames while there is room; pauses the socket while some must wait. */
  private pump(): void {
    while (!this.closed && this.backlog.length > 0 && this.inFlight < this.limits.maxInFlight) {
      if (!this.budget.take()) {
        this.budget.wait(this.wake);
        break;
      }
      this.onFrame(this.backlog.shift() as Uint8Array);
    }
    if (this.closed || !this.reading) return;
    if (this.backlog.length > 0) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
  }

  /** Handles one frame; it holds one unit of the budget until answered. */
  private onFrame(frame: Uint8Array): void {
    const decoded = decodeRequest(frame);
    if (!decoded.ok) {
      this.budget.give();
      if (decoded.fatal) this.close(`protocol error: ${decoded.reason}`);
      else this.write({ seqno: decoded.seqno, cmd: decoded.cmd, ...errorReply(decoded.error) });
      return;
    }
    const { seqno, cmd } = decoded.request;
    this.track(this.answer(decoded.request), { seqno, cmd });
  }

  private async answer(r: TcpRequest): Promise<void> {
    const head = { seqno: r.seqno, cmd: r.cmd };
    if (r.kind === "auth") return this.authenticate(r);
    if (this.appId === undefined) {
      // The Java SDK drops the connection on 306; so do we.
      this.write({ ...head, ...errorReply({ kind: "notAuthenticated" }) });
      return this.close("request before authentication");
    }
    try {
      const reply = await handle(r, this.appId, this.forwarder);
      if (reply) this.write(reply);
    } catch (e) {
      this.log(`request ${r.kind} failed: ${e instanceof Error ? e.message : String(e)}`);
      this.write({ ...head, ...errorReply({ kind: "internal" }) });
    }
  }

  private async authenticate(r: Extract<TcpRequest, { kind: "auth" }>): Promise<void> {
    const head = { seqno: r.seqno, cmd: r.cmd };
    if (this.appId !== undefined || this.authenticating) {
      return this.write({ ...head, ...errorReply({ kind: "alreadyAuthenticated" }) });
    }
    this.authenticating = true;
    try {
      const outcome = await this.forwarder.auth(
        r.secretId,
        r.clientId,
        r.signature,
        r.signatureMethod,
      );
      if (outcome.ok) {
        this.appId = outcome.value.appId;
        return this.write({ ...head, kind: "ok" });
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
  }

  private track(work: Promise<void>, head: { seqno: bigint; cmd: number }): void {
    this.inFlight++;
    const done = work.finally(() => {
      this.pending.delete(done);
      this.inFlight--;
      this.budget.give();
      this.pump();
    });
    this.pending.set(done, head);
  }

  private write(reply: TcpReply): void {
    if (this.closed) return;
    this.socket.write(writeFrame(encodeReply(reply)));
  }
}
