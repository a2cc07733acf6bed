/**
 * The worked vectors of tdmq-api3.md §3, one per SDK signing style, through the verifier the Worker
 * runs (src/http/api3/tc3-auth.ts); Java's and the unsigned-payload option's are computed here with
 * node:crypto as an independent reference.
 */
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalRequest,
  sha256Hex,
  tc3Signature,
  tc3StringToSign,
} from "../../src/contract/tc3-signature";
import { CmqError, type CmqErrorData } from "../../src/domain/errors";
import { authenticateTc3, type Tc3Request } from "../../src/http/api3/tc3-auth";
import type { AuthConfig } from "../../src/http/credentials";

const SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const TIMESTAMP = 1_700_000_000;
const BODY = '{"QueueName":"demo-queue","MsgContent":"hello","DelaySeconds":0}';
const CONFIG: AuthConfig = {
  credentials: new Map([[SECRET_ID, { secretId: SECRET_ID, secretKey: SECRET_KEY, appId: "1" }]]),
  windowSeconds: 900,
};

interface Style {
  host: string;
  service: string;
  contentType: string;
  unsigned?: boolean;
}

function request(style: Style, signature: string, extra: Record<string, string> = {}): Tc3Request {
  return {
    method: "POST",
    host: style.host,
    path: "/",
    query: "",
    body: new TextEncoder().encode(BODY),
    headers: new Headers({
      "content-type": style.contentType,
      "x-tc-action": "SendCmqMsg",
      "x-tc-timestamp": String(TIMESTAMP),
      authorization: `TC3-HMAC-SHA256 Credential=${SECRET_ID}/2023-11-14/${style.service}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
      ...(style.unsigned ? { "x-tc-content-sha256": "UNSIGNED-PAYLOAD" } : {}),
      ...extra,
    }),
  };
}

async function refusal(promise: Promise<unknown>): Promise<CmqErrorData> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CmqError) return error.data;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** An independent TC3 signer on node:crypto, for the styles the document gives no vector for. */
function referenceSignature(style: Style, signedHost: string): string {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const mac = (key: Buffer | string, text: string) =>
    createHmac("sha256", key).update(text).digest();
  const payload = sha(style.unsigned ? "UNSIGNED-PAYLOAD" : BODY);
  const canonical = `POST\n/\n\ncontent-type:${style.contentType}\nhost:${signedHost}\n\ncontent-type;host\n${payload}`;
  const toSign = `TC3-HMAC-SHA256\n${TIMESTAMP}\n2023-11-14/${style.service}/tc3_request\n${sha(canonical)}`;
  const key = mac(mac(mac(`TC3${SECRET_KEY}`, "2023-11-14"), style.service), "tc3_request");
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("TC3-HMAC-SHA256 worked vectors (tdmq-api3.md §3)", () => {
  it("reproduces Tencent's host: payload hash, StringToSign hash and signature", async () => {
    const payloadHash = await sha256Hex(BODY);
    expect(payloadHash).toBe("e295971ab557084f7d26e6995cd1bb8cb9089a51da0fc75beb91053159c5772b");
    const canonical = canonicalRequest({
      method: "POST",
      path: "/",
      query: "",
      headers: [
        ["content-type", "application/json"],
        ["host", "tdmq.tencentcloudapi.com"],
      ],
      payloadHash,
    });
    const canonicalHash = await sha256Hex(canonical);
    expect(canonicalHash).toBe("6b3bb4005c72c8b75ca95919b07eeb452f6559bdd23a242731c56a41d157a251");
    const toSign = tc3StringToSign(TIMESTAMP, "2023-11-14/tdmq/tc3_request", canonicalHash);
    expect(await tc3Signature(SECRET_KEY, "2023-11-14", "tdmq", toSign)).toBe(
      "958df78b9286bc309297f21259a79855dcd194cc162a9b6aa616731f33ef0ddf",
    );
  });

  const vectors: [string, Style, string][] = [
    [
      "Tencent's own host",
      { host: "tdmq.tencentcloudapi.com", service: "tdmq", contentType: "application/json" },
      "958df78b9286bc309297f21259a79855dcd194cc162a9b6aa616731f33ef0ddf",
    ],
    [
      "the Node SDK (service = first label, host signed without its port)",
      { host: "127.0.0.1:8787", service: "127", contentType: "application/json" },
      "657fb15b1717ab7a97ca5610dddf386672fb4848f90a353bf78335ce888fc044",
    ],
    [
      "the Python and Go SDKs (service tdmq, host signed with its port)",
      { host: "127.0.0.1:8787", service: "tdmq", contentType: "application/json" },
      "8cf90819f7cfaa514174f04aa0c143eefedefdd8b745a8639257c09213db4a78",
    ],
  ];

  it.each(vectors)("accepts %s", async (_name, style, signature) => {
    const principal = await authenticateTc3(request(style, signature), CONFIG, TIMESTAMP * 1000);
    expect(principal.credential.secretId).toBe(SECRET_ID);
    expect(principal.stamp.expiresAt).toBe((TIMESTAMP + 300) * 1000);
  });

  it("accepts the Java SDK (content-type with charset, service = first label, host:port)", async () => {
    const style = {
      host: "127.0.0.1:8787",
      service: "127",
      contentType: "application/json; charset=utf-8",
    };
    const signature = referenceSignature(style, style.host);
    await expect(
      authenticateTc3(request(style, signature), CONFIG, TIMESTAMP * 1000),
    ).resolves.toBeDefined();
  });

  it("accepts X-TC-Content-SHA256: UNSIGNED-PAYLOAD (Python, Go, Java option)", async () => {
    const style = {
      host: "127.0.0.1:8787",
      service: "tdmq",
      contentType: "application/json",
      unsigned: true,
    };
    const signature = referenceSignature(style, style.host);
    await expect(
      authenticateTc3(request(style, signature), CONFIG, TIMESTAMP * 1000),
    ).resolves.toBeDefined();
    // Without the header the same signature covers the wrong payload hash.
    const plain = request({ ...style, unsigned: false }, signature);
    expect((await refusal(authenticateTc3(plain, CONFIG, TIMESTAMP * 1000))).kind).toBe(
      "signatureMismatch",
    );
  });

  it("refuses a wrong key, saying what was signed and never the key", async () => {
    const [, style] = vectors[1] as [string, Style, string];
    const wrongKey = { ...style };
    const other: AuthConfig = {
      credentials: new Map([
        [SECRET_ID, { secretId: SECRET_ID, secretKey: "not-the-key", appId: "1" }],
      ]),
      windowSeconds: 900,
    };
    const error = await refusal(
      authenticateTc3(
        request(wrongKey, (vectors[1] as string[])[2] as string),
        other,
        TIMESTAMP * 1000,
      ),
    );
    expect(error).toMatchObject({ kind: "signatureMismatch" });
    const expected = (error as { expected: string }).expected;
    expect(expected).toContain("2023-11-14/127/tc3_request");
    expect(expected).toContain("e295971ab557084f7d26e6995cd1bb8cb9089a51da0fc75beb91053159c5772b");
    expect(expected).not.toContain("not-the-key");
  });

  it("refuses a timestamp more than 300 s away, and a scope date that is not the timestamp's", async () => {
    const [, style, signature] = vectors[2] as [string, Style, string];
    const late = await refusal(
      authenticateTc3(request(style, signature), CONFIG, (TIMESTAMP + 301) * 1000),
    );
    expect(late).toEqual({ kind: "timestampOutOfWindow", windowSeconds: 300 });
    const nextDay = request(style, signature, { "x-tc-timestamp": String(TIMESTAMP + 86_400) });
    const dated = await refusal(authenticateTc3(nextDay, CONFIG, (TIMESTAMP + 86_400) * 1000));
    expect(dated.kind).toBe("signatureMismatch");
  });

  it("refuses an unknown SecretId and a malformed Authorization", async () => {
    const [, style, signature] = vectors[2] as [string, Style, string];
    const unknown = request(style, signature);
    unknown.headers.set(
      "authorization",
      (unknown.headers.get("authorization") as string).replace(SECRET_ID, "AKIDnobody"),
    );
    expect((await refusal(authenticateTc3(unknown, CONFIG, TIMESTAMP * 1000))).kind).toBe(
      "unknownSecretId",
    );
    const malformed = request(style, signature, { authorization: "Bearer x" });
    expect((await refusal(authenticateTc3(malformed, CONFIG, TIMESTAMP * 1000))).kind).toBe(
      "invalidAuthorization",
    );
  });
});
