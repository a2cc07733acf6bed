import { describe, expect, it } from "vitest";
import { hashFor, sign, stringToSign } from "../../src/contract/cmq-signature";
import { hostVariants } from "../../src/http/auth";

describe("signature (cmq-api-http.md §2.3 vectors)", () => {
  it("reproduces the documented HMAC-SHA1 vector", async () => {
    const text =
      "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0";
    expect(await sign("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", "SHA-1", text)).toBe(
      "NSI3UqqD99b/UJb4tbG/xZpRW64=",
    );
  });

  const batchSend = {
    method: "POST",
    host: "localhost:8787",
    path: "/v2/index.php",
    params: [
      ["queueName", "q1"],
      ["msgBody.2", "a+b&c"],
      ["Action", "BatchSendMessage"],
      ["Nonce", "12345"],
      ["RequestClient", "SDK_Python_1.3"],
      ["SecretId", "AKIDexample"],
      ["SignatureMethod", "HmacSHA256"],
      ["Timestamp", "1700000000"],
      ["delaySeconds", "0"],
      ["msgBody.1", "hello world"],
      ["Signature", "ignored"],
    ] as [string, string][],
  };

  it("builds the string to sign with sorted keys and raw values, leaving out Signature", () => {
    expect(stringToSign(batchSend)).toBe(
      "POSTlocalhost:8787/v2/index.php?Action=BatchSendMessage&Nonce=12345&RequestClient=SDK_Python_1.3&SecretId=AKIDexample&SignatureMethod=HmacSHA256&Timestamp=1700000000&delaySeconds=0&msgBody.1=hello world&msgBody.2=a+b&c&queueName=q1",
    );
  });

  it("reproduces the second vector with SHA-256 and SHA-1", async () => {
    const text = stringToSign(batchSend);
    expect(await sign("secretKeyExample", "SHA-256", text)).toBe(
      "WI8XjB7RuJKwuftZRhwXGm8wOm27Kv/d6bJWIeof6TM=",
    );
    const sha1Text = text.replace("SignatureMethod=HmacSHA256", "SignatureMethod=HmacSHA1");
    expect(await sign("secretKeyExample", "SHA-1", sha1Text)).toBe("Ozd3Huy2lMPc3ytjy/M15VphAI8=");
  });

  it("writes `_` in keys as `.`", () => {
    const text = stringToSign({ method: "GET", host: "h", path: "/", params: [["a_b", "x_y"]] });
    expect(text).toBe("GETh/?a.b=x_y");
  });

  it.each([
    ["HmacSHA256", "SHA-256"],
    ["sha256", "SHA-256"],
    ["HMACSHA256", "SHA-256"],
    ["HmacSHA1", "SHA-1"],
    ["sha1", "SHA-1"],
    [undefined, "SHA-1"],
    ["MD5", "SHA-1"],
  ])("picks the hash for SignatureMethod %s", (method, hash) => {
    expect(hashFor(method)).toBe(hash);
  });

  it("tries the Host as sent and with the default port added or dropped", () => {
    expect(hostVariants("example.com")).toEqual([
      "example.com",
      "example.com:80",
      "example.com:443",
    ]);
    expect(hostVariants("example.com:80")).toEqual(["example.com:80", "example.com"]);
    expect(hostVariants("127.0.0.1:8787")).toEqual(["127.0.0.1:8787"]);
    expect(hostVariants("[::1]:8787")).toEqual(["[::1]:8787"]);
  });
});
