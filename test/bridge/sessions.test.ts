import { connect, type Socket } from "node:net";
import { TcpRequestError } from "cmq-edge/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CMD } from "../../tcp-bridge/src/codec/commands";
import { writeFrame } from "../../tcp-bridge/src/codec/frame";
import { decodeReply } from "../../tcp-bridge/src/codec/replies";
import { encodeRequest } from "../../tcp-bridge/src/codec/requests";
import { CREDENTIALS, type Stack, startStack } from "./stack";

let stack: Stack;
/** What the bridge logged. */
const logged: string[] = [];
beforeAll(async () => {
  stack = await startStack(
    { idleTimeoutMs: 1500, maxInFlight: 2, maxFrameBytes: 64 * 1024 },
    (line) => logged.push(line),
  );
});
afterAll(async () => {
  await stack?.stop();
});

/** A raw socket to the bridge, with everything it receives until it closes. */
async function rawSocket() {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(stack.bridge.address.port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  const received: Buffer[] = [];
  socket.on("data", (b) => received.push(b));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  return { socket, received, closed };
}

describe("authentication", () => {
  it("refuses a wrong key with 4100 and closes the connection", async () => {
    await expect(stack.tcp({ secretKey: "wrong" })).rejects.toMatchObject({ result: 4100 });
  });

  it("accepts HmacSHA256 signatures", async () => {
    const tcp = await stack.tcp({ signatureMethod: "HmacSHA256" });
    await expect(tcp.heartbeat()).resolves.toBeUndefined();
  });

  it("answers a request before auth with 306 and closes the connection", async () => {
    const { socket, received, closed } = await rawSocket();
    socket.write(
      writeFrame(
        encodeRequest({ seqno: 1n, cmd: CMD.heartbeat, oneway: false, kind: "heartbeat" }),
      ),
    );
    await closed;
    const reply = decodeReply(Buffer.concat(received).subarray(6));
    expect(reply).toMatchObject({ seqno: 1n, kind: "error", result: 306 });
  });
});

describe("connection limits", () => {
  it("closes a connection that stays silent past the idle timeout", async () => {
    const tcp = await stack.tcp();
    await vi.waitFor(() => expect(tcp.closed).toBe(true), { timeout: 10_000 });
  });

  it("keeps at most maxInFlight requests of a connection in flight, the rest waiting unread", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tcp = await stack.tcp();
    const pulls = [tcp.pull(queue, 1), tcp.pull(queue, 1), tcp.pull(queue, 1)];
    await vi.waitFor(() => expect(stack.bridge.server.inFlight).toBe(2));
    expect(tcp.outstanding).toBe(3);
    expect(await Promise.all(pulls)).toEqual([undefined, undefined, undefined]);
  });

  it("answers a send or batch send over the frame limit with CMQ's too-large code, then closes", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const tooBig = "x".repeat(64 * 1024);
    const single = await stack.tcp();
    await expect(single.send(queue, tooBig)).rejects.toMatchObject({
      result: 4400,
      message: expect.stringContaining("(10230)exceed maximum message size"),
    });
    const batch = await stack.tcp();
    await expect(batch.batchSend(queue, [tooBig, "y"])).rejects.toMatchObject({ result: 4470 });
    await vi.waitFor(() => expect([single.closed, batch.closed]).toEqual([true, true]));
    const attrs = await stack.http.ok("GetQueueAttributes", { queueName: queue });
    expect(attrs.activeMsgNum).toBe(0);
  });

  it("answers a big request before auth with 306, then closes", async () => {
    const { socket, received, closed } = await rawSocket();
    const send = encodeRequest({
      seqno: 5n,
      cmd: CMD.send,
      oneway: false,
      kind: "send",
      batch: false,
      queue: "q",
      bodies: [new Uint8Array(8192)],
      delaySeconds: 0,
    });
    socket.write(writeFrame(send));
    await closed;
    const reply = decodeReply(Buffer.concat(received).subarray(6));
    expect(reply).toMatchObject({ seqno: 5n, cmd: CMD.send, kind: "error", result: 306 });
  });

  it("closes without a reply a connection whose oversized frame shows no head", async () => {
    const { socket, received, closed } = await rawSocket();
    socket.write(Uint8Array.from([0, 0, 0xff, 0xff, 0xff, 0x00, ...new Uint8Array(64).fill(0x12)]));
    await closed;
    expect(received).toEqual([]);
  });
});

describe("the bridge's log", () => {
  const linesAbout = (port: number) => logged.filter((l) => l.includes(`127.0.0.1:${port}`));

  it("names the client of a connection the client reset", async () => {
    const { socket, closed } = await rawSocket();
    const port = socket.localPort as number;
    socket.resetAndDestroy();
    await closed;
    await vi.waitFor(() => expect(linesAbout(port)).toEqual([expect.stringMatching(/ECONNRESET/)]));
  });

  it("names the client of a connection closed for a protocol error", async () => {
    const { socket, closed } = await rawSocket();
    const port = socket.localPort as number;
    socket.write(Uint8Array.of(1, 0, 11, 0, 0, 0));
    await closed;
    await vi.waitFor(() => expect(linesAbout(port)).toEqual([expect.stringMatching(/badMarker/)]));
  });
});

describe("malformed input", () => {
  it("survives random and mutated frames: each connection gets error replies or is closed, nothing is stored", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const valid = writeFrame(
      encodeRequest({
        seqno: 1n,
        cmd: CMD.send,
        oneway: false,
        kind: "send",
        batch: false,
        queue,
        bodies: [Uint8Array.of(0x78)],
        delaySeconds: 0,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 4,
            })
            .map((edits) => {
              const copy = Uint8Array.from(valid);
              for (const [at, byte] of edits) copy[at] = byte;
              return copy;
            }),
        ),
        async (bytes) => {
          const { socket, closed } = await rawSocket();
          socket.write(bytes);
          // Unauthenticated: anything that decodes gets 306 and a close; anything else closes too,
          // or waits for more bytes until we hang up.
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 100))]);
          socket.destroy();
        },
      ),
      { numRuns: 60, seed: 5 },
    );
    const tcp = await stack.tcp();
    expect(await tcp.send(queue, "bridge still serves")).toBeTypeOf("bigint");
    const attrs = await stack.http.ok("GetQueueAttributes", { queueName: queue });
    expect(attrs.activeMsgNum).toBe(1);
  });

  it("answers an unknown command on an authenticated connection and keeps it open", async () => {
    const tcp = await stack.tcp();
    const error = await tcp.request(1999, { kind: "heartbeat" }).catch((e) => e);
    expect(error).toBeInstanceOf(TcpRequestError);
    expect(error.result).toBe(4000);
    await expect(tcp.heartbeat()).resolves.toBeUndefined();
  });
});

describe("shutdown", () => {
  it("finishes in-flight requests, refuses new connections, then stops", async () => {
    const own = await startStack({ shutdownGraceMs: 3000 });
    try {
      const queue = own.name();
      await own.http.createQueue(queue);
      const tcp = await own.tcp();
      const pull = tcp.pull(queue, 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopping = own.bridge.stop();
      expect(await pull).toBeUndefined();
      await stopping;
      await expect(
        (await import("cmq-edge/client")).TcpClient.connect({
          host: "127.0.0.1",
          port: own.bridge.address.port,
          ...CREDENTIALS,
        }),
      ).rejects.toThrow();
    } finally {
      await own.worker.dispose();
    }
  });
});

// Last, so it sees what every test above made the bridge log (auth failures, fuzzed frames, …).
describe("the bridge's log, after everything above", () => {
  it("names the client on every line", () => {
    expect(logged.length).toBeGreaterThan(10);
    expect(logged.filter((l) => !/^client 127\.0\.0\.1:\d+: /.test(l))).toEqual([]);
  });
});
