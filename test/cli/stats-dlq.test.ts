/**
 * `cmq-edge stats`, `dlq …` and `trace` as processes: the table's depth columns and rates from
 * a queue's stored counters, a dead-letter queue redriven with its progress bar on a terminal
 * (a pseudo-terminal from util-linux `script`), and a message's trace.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { cli, cliJson, environment, jsonLines, unique } from "./run-cli";
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

interface Received {
  msgId: string;
  receiptHandle: string;
}

/** A source queue whose messages dead-letter after one receive, and its dead-letter queue. */
async function deadLettered(count: number): Promise<{ source: string; dead: string }> {
  const prefix = unique("dls");
  const [source, dead] = [`${prefix}-src`, `${prefix}-dl`];
  await cliJson(["queue", "create", dead]);
  await cliJson([
    "queue",
    "create",
    source,
    "--dead-letter-queue",
    dead,
    "--max-receive-count",
    "1",
  ]);
  await cli(["send", source, "--batch", "16"], {
    stdin: Array.from({ length: count }, (_, i) => `m${i}`).join("\n"),
  });
  // One receive each, handed back at once: the next receive moves them on (no timeout waited).
  const taken = jsonLines<Received>(
    (await cli(["receive", source, "--max", String(count), "--json"])).stdout,
  );
  for (const m of taken) {
    const params = [
      `queueName=${source}`,
      `receiptHandle=${m.receiptHandle}`,
      "visibilityTimeout=0",
    ];
    expect((await cli(["call", "EdgeChangeMessageVisibility", ...params])).code).toBe(0);
  }
  expect((await cli(["receive", source])).stdout).toBe("");
  return { source, dead };
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
    await cliJson(["queue", "create", name]);
    await cli(["send", name, "a", "b", "c", "--batch", "3"]);
    await cli(["send", name, "later", "--delay", "600"]);
    await cli(["receive", name]);
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
    expect(await row(dead)).toMatchObject({ activeMsgNum: 0, deadLetterMsgNum: 0 });
    expect(await row(source)).toMatchObject({ activeMsgNum: 3 });
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
    await cliJson(["queue", "create", dead]);
    const { code, stdout } = await cli(["dlq", "redrive", dead]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: `no dead-lettered message in ${dead}\n` });
  });
});

describe("cmq-edge trace", () => {
  it("lists a traced message's events, oldest first", async () => {
    const name = unique("trace");
    await cliJson(["queue", "create", name, "--trace"]);
    const [sent] = jsonLines<{ msgId: string }>((await cli(["send", name, "x", "--json"])).stdout);
    await cli(["receive", name, "--delete"]);
    const table = await cli(["trace", name, sent?.msgId as string]);
    const events = table.stdout
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => l.split(/\s{2,}/)[1]);
    expect(events).toEqual(["sent", "delivered", "deleted"]);
  });
});
