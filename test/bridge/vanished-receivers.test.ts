/**
 * Receivers whose client went away take nothing (issue 12): TCP pulls on sockets that close, HTTP
 * long polls whose sockets close (a FIN, as a client timeout or a crash leaves it) on the local
 * serving path `npm start` uses, and TCP pulls parked through a bridge process that is killed.
 */
import { connect, type Socket } from "node:net";
import { CmqHttpClient, signedRequest, TcpClient } from "cmq-edge/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startMiniflareWorker } from "../../local/local-worker";
import { Sandbox } from "../fault/processes";
import { waitingIs } from "./probes";
import { CREDENTIALS, type Stack, startStack } from "./stack";

let stack: Stack;
let served: LocalWorker;
beforeAll(async () => {
  [stack, served] = await Promise.all([
    startStack(),
    startMiniflareWorker({ configPath: new URL("../../wrangler.toml", import.meta.url).pathname }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), served?.dispose()]);
});

async function counts(http: CmqHttpClient, queueName: string) {
  const { activeMsgNum, inactiveMsgNum } = await http.ok("GetQueueAttributes", { queueName });
  return { activeMsgNum, inactiveMsgNum };
}

/** A queue whose messages dead-letter once received and due again. */
async function queueWithDeadLetter(http: CmqHttpClient, name: () => string) {
  const dlq = name();
  const queueName = name();
  await http.createQueue(dlq);
  await http.createQueue(queueName, {
    deadLetterPolicy: JSON.stringify({ deadLetterQueue: dlq, policy: 0, maxReceiveCount: 1 }),
  });
  return { queueName, dlq };
}

describe("TCP pulls whose connections close", () => {
  it("five pulls on sockets that then close take none of five later sends", async () => {
    const { queueName, dlq } = await queueWithDeadLetter(stack.http, () => stack.name());
    const clients = await Promise.all(Array.from({ length: 5 }, () => stack.tcp()));
    const pulls = clients.map((c) => c.pull(queueName, 25).catch(() => "closed"));
    await waitingIs(stack.http, queueName, 5);
    for (const c of clients) c.close();
    expect(await Promise.all(pulls)).toEqual(Array(5).fill("closed"));
    await waitingIs(stack.http, queueName, 0);

    for (let i = 0; i < 5; i++) await stack.http.sendMessage(queueName, `m${i}`);
    expect(await counts(stack.http, queueName)).toEqual({ activeMsgNum: 5, inactiveMsgNum: 0 });
    const live = await stack.tcp();
    const pulled = await live.batchPull(queueName, 16, 0);
    expect(pulled.map((m) => m.dequeueCount)).toEqual([1, 1, 1, 1, 1]);
    expect((await counts(stack.http, dlq)).activeMsgNum).toBe(0);
  });
});

describe("HTTP long polls whose sockets close, on the npm start serving path", () => {
  /** Writes a signed 25 s ReceiveMessage on a raw socket, as any HTTP/1.1 client would. */
  async function rawLongPoll(queueName: string): Promise<Socket> {
    const url = new URL(`${served.url}/v2/index.php`);
    const request = await signedRequest(url.toString(), CREDENTIALS, "ReceiveMessage", {
      queueName,
      pollingWaitSeconds: 25,
    });
    const body = await request.text();
    const socket = connect(Number(url.port), url.hostname);
    socket.on("error", () => {});
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
        "Content-Type: application/x-www-form-urlencoded\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return socket;
  }

  it("ten long polls whose clients close take none of sixteen later sends", async () => {
    const http = new CmqHttpClient({
      endpoint: `${served.url}/v2/index.php`,
      credentials: CREDENTIALS,
    });
    let n = 0;
    const { queueName, dlq } = await queueWithDeadLetter(http, () => `vanish-${Date.now()}-${++n}`);
    const sockets = await Promise.all(Array.from({ length: 10 }, () => rawLongPoll(queueName)));
    await waitingIs(http, queueName, 10);
    // end(): a FIN, which workerd alone would not notice while the request is in flight.
    for (const socket of sockets) socket.end();
    await waitingIs(http, queueName, 0);

    for (let i = 0; i < 16; i++) await http.sendMessage(queueName, `m${i}`);
    expect(await counts(http, queueName)).toEqual({ activeMsgNum: 16, inactiveMsgNum: 0 });
    const received = await http.ok("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(received.msgInfoList.map((m: { dequeueCount: number }) => m.dequeueCount)).toEqual(
      Array(16).fill(1),
    );
    expect((await counts(http, dlq)).activeMsgNum).toBe(0);
  });
});

describe("TCP pulls parked through a bridge that dies", () => {
  const box = new Sandbox("bridge-gone");
  afterAll(async () => {
    expect(await box.stopAll()).toEqual([]);
    box.remove();
  });

  it("five pulls whose bridge is killed (kill -9) take none of five later sends", async () => {
    const http = new CmqHttpClient({
      endpoint: `${served.url}/v2/index.php`,
      credentials: CREDENTIALS,
    });
    let n = 0;
    const { queueName, dlq } = await queueWithDeadLetter(
      http,
      () => `bridge-gone-${Date.now()}-${++n}`,
    );
    // A bridge process in front of the npm start serving path.
    const bridge = box.startBridge(0, served.url);
    const port = Number((await bridge.printed(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const clients = await Promise.all(
      Array.from({ length: 5 }, () =>
        TcpClient.connect({ host: "127.0.0.1", port, ...CREDENTIALS }),
      ),
    );
    const pulls = clients.map((c) => c.pull(queueName, 25).catch(() => "gone"));
    await waitingIs(http, queueName, 5);
    bridge.kill9();
    expect(await Promise.all(pulls)).toEqual(Array(5).fill("gone"));
    // The bridge's connections to the Worker died with it: the Worker cancels what they waited on.
    await waitingIs(http, queueName, 0);
    for (const c of clients) c.close();

    for (let i = 0; i < 5; i++) await http.sendMessage(queueName, `m${i}`);
    expect(await counts(http, queueName)).toEqual({ activeMsgNum: 5, inactiveMsgNum: 0 });
    const received = await http.ok("BatchReceiveMessage", {
      queueName,
      numOfMsg: 16,
      pollingWaitSeconds: 0,
    });
    expect(received.msgInfoList.map((m: { dequeueCount: number }) => m.dequeueCount)).toEqual(
      Array(5).fill(1),
    );
    expect((await counts(http, dlq)).activeMsgNum).toBe(0);
  });
});
