/**
 * The signing helper (`npm run cmq`, scripts/cmq-call.ts) against a real local Worker: any host
 * spelling and port, parameters in any order and needing encoding, and a wrong key's answer.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../local/local-worker";

const run = promisify(execFile);
const SCRIPT = new URL("../../scripts/cmq-call.ts", import.meta.url).pathname;

let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker(new URL("../../wrangler.toml", import.meta.url).pathname);
});
afterAll(() => worker?.dispose());

/** Runs the helper; its exit code, the reply it printed, and what it said on stderr. */
async function cmq(...args: string[]) {
  const result = await run(process.execPath, ["--import", "tsx", SCRIPT, ...args]).then(
    (done) => ({ ...done, code: 0 }),
    (failed: { stdout: string; stderr: string; code: number }) => failed,
  );
  return { exit: result.code, reply: JSON.parse(result.stdout || "null"), stderr: result.stderr };
}

describe("npm run cmq", () => {
  it("signs for the endpoint it is given, with parameters in any order and any characters", async () => {
    // localhost, not the 127.0.0.1 the Worker printed: the host signed is the host sent.
    const endpoint = worker.url.replace("127.0.0.1", "localhost");
    const queueName = `helper-${Date.now().toString(36)}`;
    expect(
      (await cmq("CreateQueue", `queueName=${queueName}`, "--endpoint", endpoint)).reply,
    ).toMatchObject({ code: 0 });
    const body = "héllo & wörld = 1+1 %41";
    const sent = await cmq(
      "SendMessage",
      `msgBody=${body}`,
      `queueName=${queueName}`,
      "--endpoint",
      endpoint,
    );
    expect(sent).toMatchObject({ exit: 0, reply: { code: 0 } });
    const received = await cmq(
      ...["ReceiveMessage", `queueName=${queueName}`, "pollingWaitSeconds=1"],
      ...["--endpoint", `${endpoint}/`, "--get", "--signature-method", "HmacSHA1"],
    );
    expect(received).toMatchObject({ exit: 0, reply: { code: 0, msgBody: body } });
  });

  it("exits 1 on a refusal and shows the string it signed", async () => {
    const refused = await cmq(
      "ListQueue",
      "--endpoint",
      worker.url,
      "--secret-key",
      "wrong",
      "--verbose",
    );
    expect(refused).toMatchObject({
      exit: 1,
      reply: { code: 4100, message: "(10030)authentication failed" },
    });
    const host = new URL(worker.url).host;
    expect(refused.stderr).toMatch(
      new RegExp(`^signed: POST${host}/v2/index\\.php\\?Action=ListQueue&Nonce=`),
    );
  });
});
