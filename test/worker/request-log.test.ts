/**
 * CMQ_LOG_REQUESTS=1 (`npm start -- --log-requests`): the Worker writes one JSON line per request
 * with the API, action, queue or topic, the code it answered and the milliseconds taken — for API
 * 2.0 successes and errors, API 3.0, the bridge route and /metrics — and with it off, none.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { signedRequest } from "cmq-edge/client/http";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { api3Request } from "./api3";
import { createQueue, ENDPOINT, TENANT_A, uniqueName } from "./cmq";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Serves each request through the Worker's entry point with `logging`; returns what it logged. */
async function logged(logging: string, requests: Request[]): Promise<unknown[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  const workerEnv = { ...env, CMQ_LOG_REQUESTS: logging } as Env;
  for (const request of requests) {
    const incoming = request as Request<unknown, IncomingRequestCfProperties>;
    const response = await worker.fetch(incoming, workerEnv, createExecutionContext());
    await response.arrayBuffer();
  }
  spy.mockRestore();
  return lines.map((line) => JSON.parse(line));
}

const signed = (action: string, params: Record<string, string | number>) =>
  signedRequest(ENDPOINT, TENANT_A, action, params);

describe("CMQ_LOG_REQUESTS=1", () => {
  it("logs one line per request: API, action, queue, code and milliseconds", async () => {
    const queueName = await createQueue();
    const missing = uniqueName();
    const lines = await logged("1", [
      await signed("SendMessage", { queueName, msgBody: "hello" }),
      await signed("ReceiveMessage", { queueName: missing, pollingWaitSeconds: 0 }),
      await signed("NoSuchAction", {}),
      await api3Request("DescribeCmqQueueDetail", { QueueName: queueName }),
      new Request(new URL("/metrics", ENDPOINT), {
        headers: { authorization: `Bearer ${env.CMQ_METRICS_TOKEN}` },
      }),
      new Request(new URL("/internal/bridge", ENDPOINT), {
        method: "POST",
        headers: { authorization: `Bearer ${env.CMQ_BRIDGE_TOKEN}` },
        body: JSON.stringify({
          op: "send",
          appId: TENANT_A.appId,
          queue: queueName,
          groups: [
            { bodies: ["a"], delaySeconds: 0 },
            { bodies: ["b"], delaySeconds: 0 },
          ],
        }),
      }),
    ]);
    const ms = expect.any(Number);
    expect(lines).toEqual([
      { api: "cmq", action: "SendMessage", queue: queueName, code: 0, status: 200, ms },
      { api: "cmq", action: "ReceiveMessage", queue: missing, code: 4440, status: 200, ms },
      { api: "cmq", action: "NoSuchAction", code: 4000, status: 200, ms },
      { api: "api3", action: "DescribeCmqQueueDetail", queue: queueName, code: 0, status: 200, ms },
      { api: "metrics", code: 0, status: 200, ms },
      { api: "bridge", action: "send", queue: queueName, items: 2, code: 0, status: 200, ms },
    ]);
  });
});

describe("CMQ_LOG_REQUESTS off", () => {
  it.each(["0", ""])("logs nothing when it is %j", async (value) => {
    const queueName = await createQueue();
    expect(await logged(value, [await signed("SendMessage", { queueName, msgBody: "x" })])).toEqual(
      [],
    );
  });
});
