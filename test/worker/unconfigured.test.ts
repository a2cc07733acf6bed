/**
 * A Worker deployed without its secrets: with no CMQ_CREDENTIALS it refuses every request with one
 * clear error, and with no CMQ_BRIDGE_TOKEN its bridge route is closed, saying why.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { signedRequest } from "cmq-edge/client/http";
import { describe, expect, it } from "vitest";
import { handleBridgeRequest } from "../../src/http/internal/bridge-route";
import { router } from "../../src/http/router";
import { ENDPOINT, TENANT_A } from "./cmq";

const NO_CREDENTIAL = {
  code: 4100,
  message: expect.stringMatching(
    /^\(10030\)no credential is configured on this Worker: set CMQ_CREDENTIALS/,
  ),
};

/** The Worker's env as a deploy without `wrangler secret put` leaves it. */
function deployedWithout(overrides: Record<string, string | undefined>): Env {
  return { ...env, ...overrides } as Env;
}

async function answer(request: Request, workerEnv: Env) {
  const response = await router.fetch(request, workerEnv, createExecutionContext());
  return { status: response.status, body: await response.json() };
}

const requests: [string, () => Promise<Request>][] = [
  [
    "a request signed with the local default credential",
    () => signedRequest(ENDPOINT, TENANT_A, "ListQueue", {}),
  ],
  ["an unsigned request", async () => new Request(`${ENDPOINT}?Action=ListQueue`)],
  [
    "a body that is not form parameters",
    async () => new Request(ENDPOINT, { method: "POST", body: '{"Action":"ListQueue"}' }),
  ],
  ["a malformed body", async () => new Request(ENDPOINT, { method: "POST", body: "a=%zz" })],
];

describe("a Worker with no credential configured", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["an empty list", "[]"],
  ])("refuses every request with one clear error while CMQ_CREDENTIALS is %s", async (_, value) => {
    const workerEnv = deployedWithout({ CMQ_CREDENTIALS: value });
    for (const [name, make] of requests) {
      expect(await answer(await make(), workerEnv), name).toEqual({
        status: 200,
        body: { ...NO_CREDENTIAL, requestId: expect.any(String) },
      });
    }
  });

  it("refuses a TCP client's auth the same way", async () => {
    const call = {
      op: "auth",
      secretId: TENANT_A.secretId,
      clientId: "c",
      signature: "x",
      signatureMethod: "HmacSHA1",
    };
    const request = new Request("http://cmq.test/internal/bridge", {
      method: "POST",
      body: JSON.stringify(call),
      headers: { authorization: `Bearer ${env.CMQ_BRIDGE_TOKEN}` },
    });
    const response = await handleBridgeRequest(
      request,
      deployedWithout({ CMQ_CREDENTIALS: undefined }),
      createExecutionContext(),
    );
    expect(await response.json()).toEqual({ ok: false, error: { kind: "noCredentialConfigured" } });
  });
});

describe("a Worker with no bridge token configured", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
  ])("closes the bridge route, saying so, while CMQ_BRIDGE_TOKEN is %s", async (_, value) => {
    // Whatever is presented: nothing, the unset value itself, the local default token.
    for (const presented of ["", value ?? "", env.CMQ_BRIDGE_TOKEN]) {
      const request = new Request("http://cmq.test/internal/bridge", {
        method: "POST",
        body: JSON.stringify({ op: "auth" }),
        headers: { authorization: `Bearer ${presented}` },
      });
      const response = await handleBridgeRequest(
        request,
        deployedWithout({ CMQ_BRIDGE_TOKEN: value }),
        createExecutionContext(),
      );
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 503,
        body: { ok: false, error: { kind: "bridgeTokenNotConfigured" } },
      });
    }
  });
});
