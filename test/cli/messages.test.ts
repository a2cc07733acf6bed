/**
 * The message commands as processes: `send` streaming standard input (each line sent as it
 * arrives, before the input ends), batches and delays; `receive` with long poll, --max and
 * --delete; `peek` and `tail`, which look without consuming; and messages over the TCP bridge.
 */

import type { QueueSettings } from "cmq-edge/client";
import { describe, expect, it } from "vitest";
import { api, cli, finished, jsonLines, lines, SERVE, spawnCli, unique } from "./run-cli";

interface Attributes {
  activeMsgNum: number;
  inactiveMsgNum: number;
  delayMsgNum: number;
  waitingReceiverNum: number;
}

interface Received {
  msgId: string;
  body: string;
  receiptHandle: string;
  dequeueCount: number;
}

interface Peeked {
  msgId: string;
  body: string;
  state: "visible" | "inFlight";
  dequeueCount: number;
}

async function newQueue(settings: QueueSettings = {}): Promise<string> {
  const name = unique("msg");
  await api.createQueue(name, settings);
  return name;
}

const attributes = (queue: string): Promise<Attributes> => api.queue(queue).attributes();

/** The next stdout line of a running CLI, parsed. */
async function nextJson<T>(it: AsyncIterator<string>): Promise<T> {
  const { value, done } = await it.next();
  if (done) throw new Error("the CLI ended its output");
  return JSON.parse(value) as T;
}

describe("cmq-edge send", () => {
  it("sends each stdin line as it arrives, before the input ends", async () => {
    const queue = await newQueue();
    const child = spawnCli(["send", queue, "--batch", "16", "--json"]);
    const out = lines(child);
    child.stdin?.write("first\n");
    // Its id is printed while stdin is still open: the line went out on its own.
    const first = await nextJson<{ msgId: string }>(out);
    expect(first.msgId).toMatch(/^\d+$/);
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 1 });
    child.stdin?.end("second\n\nthird\n");
    const rest = [await nextJson<{ msgId: string }>(out), await nextJson<{ msgId: string }>(out)];
    const { code } = await finished(child);
    expect(code).toBe(0);
    const received = jsonLines<Received>(
      (await cli(["receive", queue, "--max", "10", "--json"])).stdout,
    );
    // The blank line is no message; the order is the input's.
    expect(received.map((m) => m.body)).toEqual(["first", "second", "third"]);
    expect(received.map((m) => m.msgId)).toEqual([first.msgId, ...rest.map((r) => r.msgId)]);
  });

  it("sends a file of lines in batches, and the arguments when given", async () => {
    const queue = await newQueue();
    const input = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    const piped = await cli(["send", queue, "--batch", "16"], { stdin: `${input}\n` });
    expect(piped.code).toBe(0);
    expect(piped.stdout.trimEnd().split("\n")).toHaveLength(40);
    expect(piped.stderr).toBe(`sent 40 messages to ${queue}\n`);
    const args = await cli(["send", queue, "one", "two"]);
    expect(args.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 42 });
  });

  it("--delay holds messages back", async () => {
    const queue = await newQueue();
    await cli(["send", queue, "later", "--delay", "600"]);
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 0, delayMsgNum: 1 });
    expect((await cli(["peek", queue, "--json"])).stdout).toBe("");
  });

  it("--batch outside 1-16 is a usage error", async () => {
    const { code, stderr } = await cli(["send", "any", "x", "--batch", "17"]);
    expect(code).toBe(2);
    expect(stderr).toBe("cmq-edge: --batch is 1 to 16\n");
  });
});

describe("cmq-edge receive", () => {
  it("long-polls for the first message with --wait", async () => {
    const queue = await newQueue();
    const child = spawnCli(["receive", queue, "--wait", "20", "--json"]);
    child.stdin?.end();
    // The probe: the queue counts the receive parked on it, so the send below is what wakes it.
    while ((await attributes(queue)).waitingReceiverNum === 0) {
      expect(child.exitCode).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await api.queue(queue).send("woken");
    const { code, stdout } = await finished(child);
    expect(code).toBe(0);
    expect(jsonLines<Received>(stdout).map((m) => m.body)).toEqual(["woken"]);
  });

  it("Ctrl-C during a long poll ends it with 130 and takes nothing with it", async () => {
    const queue = await newQueue();
    const child = spawnCli(["receive", queue, "--wait", "20"]);
    child.stdin?.end();
    const result = finished(child);
    while ((await attributes(queue)).waitingReceiverNum === 0) {
      expect(child.exitCode).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGINT");
    expect(await result).toEqual({ code: 130, stdout: "", stderr: "" });
    // The wait was cancelled with the request: the next message goes to the next receiver.
    await api.queue(queue).send("after");
    expect(await api.queue(queue).receive({ wait: 5 })).toMatchObject({
      body: "after",
      dequeueCount: 1,
    });
  });

  it("takes up to --max, and --delete acknowledges them", async () => {
    const queue = await newQueue();
    await api.queue(queue).sendBatch(["a", "b", "c", "d", "e"]);
    const taken = await cli(["receive", queue, "--max", "3", "--delete"]);
    expect(
      taken.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.split("  ")[1]),
    ).toEqual(["a", "b", "c"]);
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 2, inactiveMsgNum: 0 });
    const held = jsonLines<Received>(
      (await cli(["receive", queue, "--max", "5", "--json"])).stdout,
    );
    expect(held.map((m) => m.body)).toEqual(["d", "e"]);
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 2 });
    const deleted = await cli(["delete-message", queue, ...held.map((m) => m.receiptHandle)]);
    expect(deleted).toMatchObject({ code: 0, stdout: "deleted 2 messages\n" });
    expect(await attributes(queue)).toMatchObject({ activeMsgNum: 0, inactiveMsgNum: 0 });
  });

  it("an empty queue is no error: nothing on stdout, exit 0", async () => {
    const queue = await newQueue();
    const { code, stdout, stderr } = await cli(["receive", queue]);
    expect({ code, stdout, stderr }).toEqual({
      code: 0,
      stdout: "",
      stderr: `no message in ${queue}\n`,
    });
  });
});

describe("cmq-edge peek and tail", () => {
  it("peek looks without counting a receive", async () => {
    const queue = await newQueue();
    await api.queue(queue).sendBatch(["held", "waiting"]);
    await api.queue(queue).receive();
    for (let look = 0; look < 2; look++) {
      const peeked = jsonLines<Peeked>(
        (await cli(["peek", queue, "--in-flight", "--json"])).stdout,
      );
      expect(peeked.map((m) => [m.body, m.state, m.dequeueCount])).toEqual([
        ["waiting", "visible", 0],
        ["held", "inFlight", 1],
      ]);
    }
    const table = await cli(["peek", queue]);
    expect(table.stdout.split("\n")[0]).toMatch(/^MSG ID\s+STATE\s+RECEIVES\s+ENQUEUED\s+BODY$/);
    expect(await api.queue(queue).receive()).toMatchObject({ body: "waiting", dequeueCount: 1 });
  });

  it("tail follows messages sent after it started, consumes none, and stops at --count", async () => {
    const queue = await newQueue();
    await api.queue(queue).send("before");
    const child = spawnCli(["tail", queue, "--count", "3", "--interval", "50", "--json"]);
    child.stdin?.end();
    const out = lines(child);
    expect((await nextJson<Peeked>(out)).body).toBe("before");
    // Sent once tail has shown the first: these it can only see by following.
    await api.queue(queue).send("after 1");
    expect((await nextJson<Peeked>(out)).body).toBe("after 1");
    await api.queue(queue).send("after 2");
    expect((await nextJson<Peeked>(out)).body).toBe("after 2");
    expect((await finished(child)).code).toBe(0);
    const left = await api.queue(queue).peek();
    expect(left.map((m) => [m.body, m.dequeueCount])).toEqual([
      ["before", 0],
      ["after 1", 0],
      ["after 2", 0],
    ]);
  });

  it("tail stops cleanly on Ctrl-C (SIGINT): exit 0, no error", async () => {
    const queue = await newQueue();
    await api.queue(queue).send("seen");
    const child = spawnCli(["tail", queue, "--interval", "50"]);
    child.stdin?.end();
    const result = finished(child);
    const out = lines(child);
    const { value } = await out.next();
    expect(value).toMatch(/^\S+Z {2}\d+ {2}seen$/);
    child.kill("SIGINT");
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toBe(`following ${queue} (Ctrl-C stops)\n`);
  });
});

describe("over the TCP bridge", () => {
  it("--tcp-address (or CMQ_TCP_ADDRESS) sends and receives through the bridge", async () => {
    const queue = await newQueue({ trace: 1 });
    const [sent] = jsonLines<{ msgId: string }>(
      (await cli(["send", queue, "by tcp", "--json", "--tcp-address", SERVE.tcpAddress])).stdout,
    );
    const received = await cli(["receive", queue, "--delete", "--json"], {
      env: { CMQ_TCP_ADDRESS: SERVE.tcpAddress },
    });
    expect(jsonLines<Received>(received.stdout)).toMatchObject([
      { msgId: sent?.msgId, body: "by tcp" },
    ]);
    const events = await api.queue(queue).trace(sent?.msgId as string);
    expect(events[0]).toMatchObject({ event: "sent", via: "tcp" });
    expect(events.map((e) => e.event)).toContain("deleted");
  });

  it("a bridge that is not there is exit 3, saying so", async () => {
    const { code, stderr } = await cli(["send", "any", "x", "--tcp-address", "127.0.0.1:1"]);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /^cmq-edge: no answer as CMQ from .* or the TCP bridge at 127\.0\.0\.1:1: .*ECONNREFUSED 127\.0\.0\.1:1/,
    );
  });
});
