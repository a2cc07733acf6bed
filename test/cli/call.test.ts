/**
 * `cmq-edge call` (and `npm run cmq`, which runs it) against a real local Worker: any host
 * spelling and port, parameters in any order and needing encoding, and a wrong key's answer.
 */
import { describe, expect, it } from "vitest";
import { localCredential } from "../../local/local-defaults";
import { cli, SERVE, unique } from "./run-cli";

/** Runs `call`; its exit code, the reply it printed, and what it said on stderr. */
async function call(...args: string[]) {
  const result = await cli(["call", ...args]);
  return { exit: result.code, reply: JSON.parse(result.stdout || "null"), stderr: result.stderr };
}

describe("cmq-edge call", () => {
  it("signs for the endpoint it is given, with parameters in any order and any characters", async () => {
    // localhost, not the 127.0.0.1 the Worker printed: the host signed is the host sent.
    const endpoint = SERVE.endpoint.replace("127.0.0.1", "localhost");
    const queueName = unique("call");
    expect(
      (await call("CreateQueue", `queueName=${queueName}`, "--endpoint", endpoint)).reply,
    ).toMatchObject({
      code: 0,
    });
    const body = "héllo & wörld = 1+1 %41";
    const sent = await call(
      "SendMessage",
      `msgBody=${body}`,
      `queueName=${queueName}`,
      "--endpoint",
      endpoint,
    );
    expect(sent).toMatchObject({ exit: 0, reply: { code: 0 } });
    const received = await call(
      ...["ReceiveMessage", `queueName=${queueName}`, "pollingWaitSeconds=1"],
      ...["--endpoint", `${endpoint}/`, "--get", "--signature-method", "HmacSHA1"],
    );
    expect(received).toMatchObject({ exit: 0, reply: { code: 0, msgBody: body } });
  });

  it("exits 1 on a refusal and shows the string it signed", async () => {
    const refused = await call(
      "ListQueue",
      "--secret-key",
      "wrong",
      "--secret-id",
      localCredential().secretId,
      "--verbose",
    );
    expect(refused).toMatchObject({
      exit: 1,
      reply: { code: 4100, message: "(10030)authentication failed" },
    });
    const host = new URL(SERVE.endpoint).host;
    expect(refused.stderr).toMatch(
      new RegExp(`^signed: POST${host}/v2/index\\.php\\?Action=ListQueue&Nonce=`),
    );
  });
});
