/**
 * `cmq-edge stats`, `dlq …` and `trace` as processes: the table's depth columns and rates from
 * a queue's stored counters, a dead-letter queue redriven with its progress bar on a terminal
 * (a pseudo-terminal from util-linux `script`), and a message's trace.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { api, cli, cliJson, environment, unique } from "./run-cli";
import { BIN } from "./serve.setup";

interface StatsRow {
  queueName: string;
  activeMsgNum: number;
  inactiveMsgNum: number;
  delayMsgNum: number;
  deadLetterMsgNum: number;
  sentPerSecond: number;
  receivedPerSecond: number;
}

/** A source queue whose messages dead-letter after one receive, and its dead-letter queue. */
async function deadLettered(count: number): Promise<{ source: string; dead: string }> {
  const prefix = unique("dls");
  const [source, dead] = [`${prefix}-src`, `${prefix}-dl`];
  await api.createQueue(dead);
  const policy = { deadLetterQueue: dead, policy: 0 as const, maxReceiveCount: 1 };
  const queue = await api.createQueue(source, { deadLetterPolicy: policy });
  await queue.sendBatch(Array.from({ length: count }, (_, i) => `m${i}`));
  // One receive each, handed back at once: the next receive moves them on (no timeout waited).
  for (const m of await queue.receiveBatch(count)) await m.release();
  expect(await queue.receive()).toBeUndefined();
  return { source, dead };
}

/** Depth and dead-letter count, read in-process (EdgeGetQueueMetrics). */
async function depth(name: string) {
  const reply = await api.call("EdgeGetQueueMetrics", { queueName: name });
  return { activeMsgNum: reply.activeMsgNum, deadLetterMsgNum: reply.deadLetterMsgNum };
}

async function row(name: string): Promise<StatsRow> {
  const stats = await cliJson<{ queues: StatsRow[] }>(["stats", "--search", name]);
  const found = stats.queues.find((q) => q.queueName === name);
  if (!found) throw new Error(`${name} not in stats`);
  return found;
}

describe("cmq-edge stats", () => {
  it("shows depth, in flight, delayed and the rates of each queue", async () => {
    const name = unique("stats");
    const queue = await api.createQueue(name);
    await queue.sendBatch(["a", "b", "c"]);
    await queue.send("later", { delaySeconds: 600 });
    await queue.receive();
    const stats = await row(name);
    expect(stats).toMatchObject({
      activeMsgNum: 2,
      inactiveMsgNum: 1,
      delayMsgNum: 1,
      deadLetterMsgNum: 0,
    });
    expect(stats.sentPerSecond).toBeGreaterThan(0);
    expect(stats.receivedPerSecond).toBeGreaterThan(0);

    const table = await cli(["stats", "--search", name]);
    expect(table.code).toBe(0);
    const [header, line] = table.stdout.trimEnd().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual([
      "QUEUE",
      "ACTIVE",
      "IN FLIGHT",
      "DELAYED",
      "DEAD-LETTER",
      "WAITING",
      "SENT/S",
      "RECEIVED/S",
      "DELETED/S",
    ]);
    expect(line?.split(/\s+/).slice(0, 6)).toEqual([name, "2", "1", "1", "0", "0"]);
  });
});

describe("cmq-edge dlq", () => {
  it("redrive waits until the dead-letter queue is empty and reports the messages moved", async () => {
    const { source, dead } = await deadLettered(3);
    expect(await row(dead)).toMatchObject({ activeMsgNum: 3, deadLetterMsgNum: 3 });
    const sources = await cliJson<{ queues: { queueName: string }[] }>(["dlq", "sources", dead]);
    expect(sources.queues.map((q) => q.queueName)).toEqual([source]);

    const done = await cliJson(["dlq", "redrive", dead, "--rate", "1000", "--poll", "50"]);
    expect(done).toEqual({
      queueName: dead,
      redriveStatus: "idle",
      redriveMovedMsgNum: 3,
      total: 3,
    });
    expect(await depth(dead)).toEqual({ activeMsgNum: 0, deadLetterMsgNum: 0 });
    expect(await depth(source)).toMatchObject({ activeMsgNum: 3 });
  });

  it("on a terminal, redrive draws a progress bar", async () => {
    const { dead } = await deadLettered(2);
    // `script` gives the CLI a pseudo-terminal, as a user's shell would.
    const command = [
      process.execPath,
      BIN,
      "dlq",
      "redrive",
      dead,
      "--rate",
      "1000",
      "--poll",
      "50",
    ]
      .map((word) => `'${word}'`)
      .join(" ");
    const { stdout } = await promisify(execFile)("script", ["-qec", command, "/dev/null"], {
      env: environment(),
    });
    expect(stdout).toMatch(/redriving \[=+\] 2\/2 messages/);
    expect(stdout).toContain(`redriven 2 messages from ${dead} to their source queues`);
  });

  it("redrive of an empty dead-letter queue says there is nothing to do", async () => {
    const dead = unique("empty");
    await api.createQueue(dead);
    const { code, stdout } = await cli(["dlq", "redrive", dead]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: `no dead-lettered message in ${dead}\n` });
  });
});

describe("cmq-edge trace", () => {
  it("lists a traced message's events, oldest first", async () => {
    const name = unique("trace");
    const queue = await api.createQueue(name, { trace: 1 });
    const msgId = await queue.send("x");
    await (await queue.receive())?.delete();
    const table = await cli(["trace", name, msgId]);
    const events = table.stdout
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => l.split(/\s{2,}/)[1]);
    expect(events).toEqual(["sent", "delivered", "deleted"]);
  });
});
