/**
 * The TCP transport without a bridge: a port nobody listens on is retried with backoff and then
 * reported as a network error; the caller's signal ends the wait at once.
 */
import { createServer } from "node:net";
import { CmqNetworkError, TcpTransport } from "cmq-edge/client";
import { describe, expect, it } from "vitest";

/** A loopback port that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("TcpTransport", () => {
  it("retries a refused connection with backoff, then reports a network error", async () => {
    const pauses: number[] = [];
    const transport = new TcpTransport({
      host: "127.0.0.1",
      port: await closedPort(),
      secretId: "AKIDtest",
      secretKey: "secret",
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      retryClock: { random: () => 1, sleep: async (ms) => void pauses.push(ms) },
    });
    const sending = transport.send({ queue: "q", bodies: ["x"], delaySeconds: 0, single: true });
    const error = await sending.catch((e) => e);
    expect(error).toBeInstanceOf(CmqNetworkError);
    expect(error.message).toMatch(/^connect ECONNREFUSED 127.0.0.1:/);
    expect({ pauses, reconnects: transport.reconnects }).toEqual({
      pauses: [100, 200],
      reconnects: 2,
    });
    transport.close();
  });

  it("stops waiting for a connection when the caller aborts", async () => {
    const controller = new AbortController();
    const transport = new TcpTransport({
      host: "127.0.0.1",
      port: await closedPort(),
      secretId: "AKIDtest",
      secretKey: "secret",
      retryClock: {
        random: () => 0,
        sleep: async (_ms, signal) => {
          controller.abort(new DOMException("stopped", "AbortError"));
          signal?.throwIfAborted();
        },
      },
    });
    const request = {
      queue: "q",
      max: 1,
      waitSeconds: 10,
      single: true,
      signal: controller.signal,
    };
    const error = await transport.receive(request).catch((e) => e);
    expect(error.name).toBe("AbortError");
    transport.close();
  });
});
