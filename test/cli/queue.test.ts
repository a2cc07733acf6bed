/**
 * `cmq-edge queue …` as a process against a real local Worker: each command's --json result, the
 * purge over API 3.0, and CMQ's refusals as one line with the code and a non-zero exit.
 */
import { describe, expect, it } from "vitest";
import { api3Request } from "../../client/api3-signing";
import { localCredential } from "../../local/local-defaults";
import { cli, cliJson, jsonLines, SERVE, unique } from "./run-cli";

const STACK_FRAME = /^\s+at\s/m;

interface Attributes {
  queueName: string;
  visibilityTimeout: number;
  activeMsgNum: number;
  delayMsgNum: number;
  rewindSeconds: number;
  trace: number;
  deadLetterPolicy?: { deadLetterQueue: string; policy: number; maxReceiveCount?: number };
}

describe("cmq-edge queue", () => {
  it("creates, lists, gets, sets and deletes a queue", async () => {
    const name = unique("q");
    const created = await cliJson([
      "queue",
      "create",
      name,
      "--visibility-timeout",
      "45",
      "--trace",
    ]);
    expect(created).toMatchObject({ queueName: name, queueId: expect.stringMatching(/^queue-/) });

    const listed = await cliJson<{ queues: { queueName: string }[] }>([
      "queue",
      "list",
      "--search",
      name,
    ]);
    expect(listed.queues.map((q) => q.queueName)).toEqual([name]);
    const table = await cli(["queue", "list", "--search", name]);
    expect(table.stdout.split("\n")[0]).toMatch(/^QUEUE\s+ID$/);
    expect(table.stdout).toContain(name);

    expect(await cliJson<Attributes>(["queue", "get", name])).toMatchObject({
      queueName: name,
      visibilityTimeout: 45,
      trace: 1,
    });
    const dead = unique("dl");
    await cliJson(["queue", "create", dead]);
    await cliJson([
      "queue",
      "set",
      name,
      "--no-trace",
      "--dead-letter-queue",
      dead,
      "--max-receive-count",
      "3",
    ]);
    expect(await cliJson<Attributes>(["queue", "get", name])).toMatchObject({
      trace: 0,
      deadLetterPolicy: { deadLetterQueue: dead, policy: 0, maxReceiveCount: 3 },
    });

    expect(await cliJson(["queue", "delete", name])).toEqual({ queueName: name, deleted: true });
    const gone = await cli(["queue", "get", name]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(
      new RegExp(
        `^cmq-edge: GetQueueAttributes failed with CMQ code 4440: \\(\\d+\\)queue is not existed.*${name}\\n$`,
      ),
    );
  });

  it("purges what the queue holds, and again at once", async () => {
    const name = unique("purge");
    await cliJson(["queue", "create", name]);
    await cli(["send", name, "a", "b", "c", "--batch", "3"]);
    expect(await cliJson<Attributes>(["queue", "get", name])).toMatchObject({ activeMsgNum: 3 });
    expect(await cliJson(["queue", "purge", name])).toEqual({ queueName: name, purged: true });
    expect(await cliJson<Attributes>(["queue", "get", name])).toMatchObject({ activeMsgNum: 0 });
    // Within the same second: a TC3 request repeated byte for byte would be refused as a replay.
    expect((await cli(["queue", "purge", name])).code).toBe(0);
  });

  it("two API 3.0 purges signed in the same second are both served, not refused as a replay", async () => {
    const name = unique("same-second");
    await cliJson(["queue", "create", name]);
    const endpoint = `${SERVE.endpoint}/v2/index.php`;
    const credentials = localCredential();
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 2; i++) {
      const request = await api3Request(
        endpoint,
        credentials,
        "ClearCmqQueue",
        { QueueName: name },
        undefined,
        now,
      );
      const reply = (await (await fetch(request)).json()) as { Response: { Error?: unknown } };
      expect(reply.Response.Error).toBeUndefined();
    }
  });

  it("purging a queue that does not exist names API 3.0's code", async () => {
    const name = unique("nope");
    const { code, stderr } = await cli(["queue", "purge", name]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^cmq-edge: ClearCmqQueue failed with API 3.0 code ResourceNotFound: .*${name}\\n$`,
      ),
    );
  });

  it("rewinds to a time given as a duration ago", async () => {
    const name = unique("rewind");
    await cliJson(["queue", "create", name, "--rewind-seconds", "3600"]);
    await cli(["send", name, "again"]);
    const [taken] = jsonLines((await cli(["receive", name, "--delete", "--json"])).stdout) as {
      body: string;
    }[];
    expect(taken?.body).toBe("again");
    expect(await cliJson<Attributes>(["queue", "get", name])).toMatchObject({ activeMsgNum: 0 });
    const rewound = await cliJson<{ startConsumeTime: number }>(["queue", "rewind", name, "10m"]);
    expect(rewound.startConsumeTime).toBeGreaterThan(0);
    const [back] = jsonLines((await cli(["receive", name, "--json"])).stdout) as { body: string }[];
    expect(back?.body).toBe("again");
  });

  it("a refusal with --json is a JSON error on stderr, and nothing on stdout", async () => {
    const name = unique("nope");
    const { code, stdout, stderr } = await cli(["queue", "get", name, "--json"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr)).toMatchObject({
      error: { action: "GetQueueAttributes", code: 4440, requestId: expect.any(String) },
    });
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("a server-side range check is CMQ's own line, with its code", async () => {
    const { code, stderr } = await cli([
      "queue",
      "create",
      unique("range"),
      "--visibility-timeout",
      "999999",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cmq-edge: CreateQueue failed with CMQ code \d+: .*visibilityTimeout/);
  });
});
