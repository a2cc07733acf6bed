import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it } from "vitest";
import { cmq, createQueue, ENDPOINT, send, TENANT_A, TENANT_A_SECOND_KEY } from "./cmq";

const now = () => Math.floor(Date.now() / 1000);

describe("signature verification", () => {
  it("accepts HmacSHA1 and HmacSHA256 signatures", async () => {
    expect((await cmq("ListQueue", {}, { hash: "SHA-1" })).code).toBe(0);
    expect((await cmq("ListQueue", {}, { hash: "SHA-256" })).code).toBe(0);
  });

  it("refuses a signature made with the wrong key", async () => {
    const reply = await cmq("ListQueue", {}, { credentials: { ...TENANT_A, secretKey: "wrong" } });
    expect(reply).toMatchObject({ code: 4100, message: "(10030)authentication failed" });
  });

  it("refuses an unknown SecretId", async () => {
    const reply = await cmq(
      "ListQueue",
      {},
      { credentials: { secretId: "AKIDnobody", secretKey: "x" } },
    );
    expect(reply).toMatchObject({ code: 4100, message: "(10270)secret id is not existed" });
  });

  it("refuses a signature over different parameters than those sent", async () => {
    const request = await signedRequest(ENDPOINT, TENANT_A, "ListQueue", { searchWord: "a" });
    const tampered = (await request.text()).replace("searchWord=a", "searchWord=b");
    const reply = await send(new Request(ENDPOINT, { method: "POST", body: tampered }));
    expect(reply.body.code).toBe(4100);
  });

  // 10 s past the 900 s window: the clock ticks between signing here and checking there.
  it.each([
    ["too old", -910],
    ["in the future", 910],
  ])("refuses a Timestamp %s", async (_, offset) => {
    const reply = await cmq("ListQueue", {}, { timestamp: now() + offset });
    expect(reply).toMatchObject({ code: 4100, message: expect.stringContaining("Timestamp") });
  });

  it("accepts a Timestamp within the window", async () => {
    expect((await cmq("ListQueue", {}, { timestamp: now() - 800 })).code).toBe(0);
  });

  it("refuses a replayed management request, and does not act on it", async () => {
    const queueName = await createQueue();
    const request = await signedRequest(ENDPOINT, TENANT_A, "DeleteQueue", { queueName });
    const replay = request.clone();
    expect((await send(request)).body.code).toBe(0);
    expect((await cmq("CreateQueue", { queueName })).code).toBe(0);
    expect((await send(replay)).body).toMatchObject({
      code: 4100,
      message: expect.stringContaining("already executed"),
    });
    expect((await cmq("GetQueueAttributes", { queueName })).code).toBe(0);
  });

  it("accepts the same Nonce again with another Timestamp or other parameters", async () => {
    expect((await cmq("ListQueue", { searchWord: "x" }, { nonce: 7, timestamp: now() })).code).toBe(
      0,
    );
    expect((await cmq("ListQueue", { searchWord: "y" }, { nonce: 7, timestamp: now() })).code).toBe(
      0,
    );
  });

  it.each(["Signature", "SecretId", "Timestamp", "Nonce"])(
    "answers a missing %s with 4000",
    async (name) => {
      const reply = await cmq("ListQueue", {}, { omit: [name] });
      expect(reply).toMatchObject({
        code: 4000,
        message: `(10390)lacked of required parameter ${name}`,
      });
    },
  );

  it("accepts a host signed with its default port when the Host header has none", async () => {
    const reply = await cmq(
      "ListQueue",
      {},
      { url: "http://cmq.test/v2/index.php", signedHost: "cmq.test:80" },
    );
    expect(reply.code).toBe(0);
  });

  it("accepts PY/PHP POST signatures that leave out @-valued parameters, and full ones", async () => {
    const queueName = await createQueue();
    const params = { queueName, msgBody: "@file-looking body" };
    const full = await signedRequest(ENDPOINT, TENANT_A, "SendMessage", params);
    expect((await send(full)).body.code).toBe(0);
    const signedWithoutAt = async (requestClient: string) => {
      const request = await signedRequest(
        ENDPOINT,
        TENANT_A,
        "SendMessage",
        { queueName },
        { requestClient },
      );
      const body = `${await request.text()}&msgBody=${encodeURIComponent(params.msgBody)}`;
      return (await send(new Request(ENDPOINT, { method: "POST", body }))).body.code;
    };
    expect(await signedWithoutAt("SDK_Python_1.3")).toBe(0);
    expect(await signedWithoutAt("SDK_PHP_1.3")).toBe(0);
    // Other SDKs sign every parameter: an unsigned @-value is refused.
    expect(await signedWithoutAt("SDK_JAVA_1.3")).toBe(4100);
  });

  it("lets replay-safe actions repeat the same signed request", async () => {
    const queueName = await createQueue();
    const request = await signedRequest(ENDPOINT, TENANT_A, "GetQueueAttributes", { queueName });
    const again = request.clone();
    expect((await send(request)).body.code).toBe(0);
    expect((await send(again)).body.code).toBe(0);
  });

  it("lets a second key of the same appId see the same queues", async () => {
    const queueName = await createQueue();
    expect(
      (await cmq("GetQueueAttributes", { queueName }, { credentials: TENANT_A_SECOND_KEY })).code,
    ).toBe(0);
  });
});
