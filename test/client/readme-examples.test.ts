/**
 * The README's two client examples cannot rot: each is a file under client/examples/ that the
 * README embeds verbatim, run here as a user would run it (`tsx`, importing `cmq-edge/client` by
 * its package name) against a real Worker and bridge, its output checked line by line.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientStack, startClientStack } from "./client-stack";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, "utf8");

let stack: ClientStack;
beforeAll(async () => {
  stack = await startClientStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function runExample(file: string): Promise<string[]> {
  const env = {
    ...process.env,
    CMQ_ENDPOINT: stack.worker.url,
    CMQ_TCP_PORT: String(stack.tcpPort),
    CMQ_QUEUE: stack.name("example"),
  };
  const { stdout } = await run(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    env,
    timeout: 60_000,
  });
  return stdout.trim().split("\n");
}

describe("the README's client examples", () => {
  it.each(["client/examples/http-quickstart.ts", "client/examples/tcp-quickstart.ts"])(
    "%s is in the README as it is in the repository",
    (file) => {
      expect(readme).toContain(`\`\`\`ts\n${readFileSync(`${root}${file}`, "utf8")}\`\`\``);
    },
  );

  it("runs the HTTP example", async () => {
    expect(await runExample("client/examples/http-quickstart.ts")).toEqual([
      "waiting: order 1, order 2, order 3",
      "handled: order 1",
      "handled: order 2",
      "handled: order 3",
      "received again: order 4 dequeueCount 2",
      "empty: undefined",
      expect.stringMatching(
        /^refused: 4440 \(10100\)queue is not existed, or deleted: no-such-queue$/,
      ),
    ]);
  });

  it("runs the TCP example", async () => {
    expect(await runExample("client/examples/tcp-quickstart.ts")).toEqual([
      "sent: 50",
      "received and deleted: 50",
      expect.stringMatching(/^kept until: \d{4}-\d\d-\d\dT/),
    ]);
  });
});
