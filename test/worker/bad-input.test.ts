import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it } from "vitest";
import { MAX_REQUEST_BYTES } from "../../src/domain/limits";
import { cmq, createQueue, ENDPOINT, send, TENANT_A } from "./cmq";

async function counts(queueName: string) {
  const a = await cmq("GetQueueAttributes", { queueName });
  return [a.activeMsgNum, a.inactiveMsgNum, a.delayMsgNum, a.lastModifyTime];
}

describe("malformed requests", () => {
  it.each<[string, () => Request, string]>([
    [
      "a method other than GET or POST",
      () => new Request(ENDPOINT, { method: "PUT", body: "a=1" }),
      "(10410)",
    ],
    [
      "a body that is not UTF-8",
      () => new Request(ENDPOINT, { method: "POST", body: new Uint8Array([0x61, 0x3d, 0xff]) }),
      "(10420)",
    ],
    [
      "a bad percent-escape",
      () => new Request(ENDPOINT, { method: "POST", body: "a=%g1" }),
      "(10420)",
    ],
    [
      "a body over the size limit",
      () =>
        new Request(ENDPOINT, { method: "POST", body: "a=".padEnd(MAX_REQUEST_BYTES + 10, "x") }),
      "(10420)",
    ],
    [
      "a body of undeclared length (streamed) over the size limit",
      () => {
        const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
        let left = Math.ceil(MAX_REQUEST_BYTES / chunk.length) + 1;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (left-- > 0) controller.enqueue(chunk);
            else controller.close();
          },
        });
        return new Request(ENDPOINT, { method: "POST", body });
      },
      "(10420)",
    ],
    [
      "too many parameters",
      () =>
        new Request(ENDPOINT, {
          method: "POST",
          body: Array.from({ length: 200 }, (_, i) => `p${i}=1`).join("&"),
        }),
      "(10350)",
    ],
    ["no parameters at all", () => new Request(ENDPOINT, { method: "POST" }), "(10390)"],
  ])("answers %s with HTTP 200 and code 4000", async (_, build, module) => {
    const { status, body } = await send(build());
    expect(status).toBe(200);
    expect(body.code).toBe(4000);
    expect(body.message.startsWith(module)).toBe(true);
    expect(typeof body.requestId).toBe("string");
  });
});

describe("invalid parameters change nothing", () => {
  it.each<[string, Record<string, string | number>, string]>([
    ["SendMessage", { msgBody: "" }, "(10120)"],
    // cmq-api-http.md §4.7: a delay out of range is 4000/10692, as the TCP bridge answers it.
    ["SendMessage", { msgBody: "x", delaySeconds: 3601 }, "(10692)"],
    ["SendMessage", { msgBody: "x", delaySeconds: -1 }, "(10692)"],
    ["BatchSendMessage", { "msgBody.1": "x", delaySeconds: 3601 }, "(10692)"],
    ["SendMessage", {}, "(10390)"],
    ["BatchSendMessage", { "msgBody.0": "a", "msgBody.2": "b" }, "(10380)"],
    ["ReceiveMessage", { pollingWaitSeconds: 31 }, "(10350)"],
    ["BatchReceiveMessage", { numOfMsg: 0 }, "(10350)"],
    ["BatchReceiveMessage", {}, "(10390)"],
    ["DeleteMessage", { receiptHandle: "-5" }, "(10470)"],
    ["DeleteMessage", { receiptHandle: "99999999999999999999999" }, "(10470)"],
    ["BatchDeleteMessage", { "receiptHandle.1": "1", "receiptHandle.2": "abc" }, "(10470)"],
    ["SetQueueAttributes", { maxMsgSize: 2_000_000 }, "(10350)"],
    ["SetQueueAttributes", { msgRetentionSeconds: "1e5" }, "(10360)"],
  ])("%s with %j answers 4000 %s", async (action, params, module) => {
    const queueName = await createQueue();
    await cmq("SendMessage", { queueName, msgBody: "existing" });
    const before = await counts(queueName);
    const reply = await cmq(action, { queueName, ...params });
    expect(reply.code).toBe(4000);
    expect(reply.message.startsWith(module)).toBe(true);
    expect(await counts(queueName)).toEqual(before);
  });

  it("refuses a repeated parameter", async () => {
    const reply = await cmq("ListQueue", { limit: 5 }, { pairs: [["limit", "6"]] });
    expect(reply.message).toMatch(/^\(10330\)parameter limit is NOT a repeatable parameter/);
  });

  it("passes a message body through byte for byte, whatever it contains", async () => {
    const queueName = await createQueue();
    const body = "\ufeffBOM first, \u0000 control \u0007, emoji 😀, RTL שלום, escapes %41 &amp; +";
    await cmq("SendMessage", { queueName, msgBody: body });
    expect((await cmq("ReceiveMessage", { queueName, pollingWaitSeconds: 0 })).msgBody).toBe(body);
  });
});

describe("a JSON body instead of form parameters", () => {
  const json = JSON.stringify({ Action: "SendMessage", queueName: "q", msgBody: "100% sure" });
  const formHint = expect.stringMatching(/^\(10420\).*form-encoded.*query string/);

  it.each<[string, () => Request]>([
    [
      "sent as application/json",
      () =>
        new Request(ENDPOINT, {
          method: "POST",
          body: json,
          headers: { "content-type": "application/json; charset=utf-8" },
        }),
    ],
    [
      "sent with no Content-Type",
      () => new Request(ENDPOINT, { method: "POST", body: ` ${json}` }),
    ],
    [
      "sent as a JSON array under a JSON type",
      () =>
        new Request(ENDPOINT, {
          method: "POST",
          body: "[1, 2]",
          headers: { "content-type": "application/problem+json" },
        }),
    ],
  ])("is answered with what the API takes when %s", async (_, build) => {
    const { status, body } = await send(build());
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 4000, message: formHint });
  });

  it("still serves a form body whose Content-Type claims JSON", async () => {
    const queueName = await createQueue();
    const signed = await signedRequest(ENDPOINT, TENANT_A, "SendMessage", {
      queueName,
      msgBody: "form after all",
    });
    const request = new Request(signed, {
      headers: { "content-type": "application/json" },
      body: await signed.arrayBuffer(),
    });
    expect((await send(request)).body.code).toBe(0);
  });

  it("leaves JSON bodies with an X-TC-Action header (API 3.0) to their own path", async () => {
    const { body } = await send(
      new Request(ENDPOINT, {
        method: "POST",
        body: json,
        headers: { "content-type": "application/json", "x-tc-action": "SendCmqMessage" },
      }),
    );
    // API 3.0's envelope (here refusing the unsigned request), not API 2.0's "form parameters".
    expect(JSON.stringify(body)).not.toMatch(/form-encoded/);
    expect(body.Response?.Error?.Code).toMatch(/^AuthFailure/);
  });
});
