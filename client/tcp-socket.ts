/**
 * Opening the TCP connection: refused, unreachable and silent peers become CmqNetworkError (the
 * kind the client retries), and the caller's signal ends the attempt at once.
 * @module
 */
import { connect, type Socket } from "node:net";
import { CmqNetworkError } from "./errors";

export interface SocketOptions {
  host: string;
  port: number;
  /** How long a connect may take, ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** A connected socket, or CmqNetworkError (refused, unreachable, or no answer in time). */
export function openSocket(options: SocketOptions): Promise<Socket> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<Socket>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const socket = connect(options.port, options.host);
    let done = false;
    const settle = (error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
      if (error === undefined) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    // Node says it already: "connect ECONNREFUSED 127.0.0.1:6380".
    const failed = (e: Error) => settle(new CmqNetworkError(e.message, { cause: e }));
    const aborted = () => settle(signal?.reason);
    const timer = setTimeout(
      () => settle(new CmqNetworkError(`connect: no connection in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("connect", () => settle());
    // Stays: an error between the connect and the client's own listeners must not go unheard.
    socket.on("error", failed);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
