import { connect, type Socket } from "node:net";
import { TcpRequestError } from "cmq-edge/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CMD } from "../../tcp-bridge/src/codec/commands";
import { FrameReader, writeFrame } from "../../tcp-bridge/src/codec/frame";
import { decodeReply } from "../../tcp-bridge/src/codec/replies";
import { decodeRequest, encodeRequest } from "../../tcp-bridge/src/codec/requests";
import { waitingIs } from "./probes";
import { CREDENTIALS, type Stack, startStack } from "./stack";

let stack: Stack;
/** What the bridge logged. */
const logged: string[] = [];
beforeAll(async () => {
  stack = await startStack(
    { idleTimeoutMs: 1500, maxInFlight: 2, maxFrameBytes: 64 * 1024 },
    { log: (line) => logged.push(line) },
  );
});
afterAll(async () => {
  await stack?.stop();
});

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

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

/** Every frame the bridge wrote, decoded as a client reads them; nothing may be left over. */
function repliesIn(bytes: Uint8Array) {
  const reader = new FrameReader(1 << 20);
  const { frames, error } = reader.push(bytes);
  expect(error).toBeUndefined();
  expect(reader.pending).toBe(0);
  return frames.map((frame) => {
    const reply = decodeReply(frame);
    return { ...reply, result: reply.kind === "error" ? reply.result : 0 };
  });
}

/**
 * What an unauthenticated connection must answer to these bytes, frame by frame as the codec
 * reads them: 4000 on the frame's seqno for a request error, then on; 306 for a request, then a
 * close; nothing for an undecodable body or a framing error (a close). An auth frame is checked
 * by the Worker, so what follows it is not modelled (`openEnded`).
 */
function unauthenticated(bytes: Uint8Array) {
  const replies: { seqno: bigint; cmd: number; result: number }[] = [];
  // The bridge reads at most this much of a frame before auth (tcp-bridge/src/connection.ts).
  const { frames, error } = new FrameReader(4096).push(bytes);
  for (const frame of frames) {
    const decoded = decodeRequest(frame);
    if (!decoded.ok && decoded.fatal) return { replies, openEnded: false };
    if (!decoded.ok) {
      replies.push({ seqno: decoded.seqno, cmd: decoded.cmd, result: 4000 });
      continue;
    }
    const { seqno, cmd, kind } = decoded.request;
    if (kind === "auth") return { replies, openEnded: true };
    replies.push({ seqno, cmd, result: 306 });
    return { replies, openEnded: false };
  }
  return { replies, openEnded: error !== undefined };
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
    const pulls = [tcp.pull(queue, 20), tcp.pull(queue, 20), tcp.pull(queue, 20)];
    // Two parked on the queue, the third still unread on the socket.
    await waitingIs(stack.http, queue, 2);
    expect(stack.bridge.server.inFlight).toBe(2);
    expect(tcp.outstanding).toBe(3);
    await stack.http.batchSendMessage(queue, ["a", "b"]);
    // Two answered: the third is read now, and parks in turn.
    await waitingIs(stack.http, queue, 1);
    expect(tcp.outstanding).toBe(1);
    await stack.http.sendMessage(queue, "c");
    const bodies = (await Promise.all(pulls)).map((m) => text(m?.body));
    expect(bodies.sort()).toEqual(["a", "b", "c"]);
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
  it("answers random and mutated frames as the codec says, before auth, and stores nothing", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const head = { oneway: false, queue, batch: false, delaySeconds: 0 };
    const send = { ...head, kind: "send" as const, bodies: [Uint8Array.of(0x78)] };
    // A request error (unknown command), one (send without its body), then a request.
    const valid = Buffer.concat([
      writeFrame(encodeRequest({ ...send, seqno: 7n, cmd: 1999 })),
      writeFrame(encodeRequest({ seqno: 8n, cmd: CMD.send, oneway: false, kind: "heartbeat" })),
      writeFrame(encodeRequest({ ...send, seqno: 9n, cmd: CMD.send })),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 4 })
            .map((edits) => {
              const copy = Uint8Array.from(valid);
              for (const [at, byte] of edits) copy[at] = byte;
              return copy;
            }),
        ),
        async (bytes) => {
          const { socket, received, closed } = await rawSocket();
          // Then a FIN: the bridge has read everything once it closes, with no timer to guess.
          socket.end(bytes);
          await closed;
          const replies = repliesIn(Buffer.concat(received));
          const model = unauthenticated(bytes);
          const heads = replies.map(({ seqno, cmd, result }) => ({ seqno, cmd, result }));
          expect(heads.slice(0, model.replies.length)).toEqual(model.replies);
          // An auth frame's answer comes from the Worker; a framing error may be answered.
          if (!model.openEnded) expect(heads).toHaveLength(model.replies.length);
          for (const reply of replies) expect(reply.kind).toBe("error");
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
      const pull = tcp.pull(queue, 20);
      await waitingIs(own.http, queue, 1);
      const stopping = own.bridge.stop();
      // The pull parked before the stop is still served: woken by a send, within the grace.
      await own.http.sendMessage(queue, "during shutdown");
      expect(text((await pull)?.body)).toBe("during shutdown");
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
