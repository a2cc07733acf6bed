/**
 * Retries in the client: only requests that got no answer, with a doubling, capped, jittered
 * pause; never a CMQ error reply; the caller's signal ends waits and calls. The backoff's sleep and
 * randomness are injected, so every pause is seen without being waited.
 */
import { CmqError, CmqHttpClient, CmqHttpError, CmqNetworkError } from "cmq-edge/client";
import { describe, expect, it } from "vitest";
import { backoffDelay, type RetryClock, withRetries } from "../../../client/retry";

const POLICY = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

/** A clock that records each pause and returns at once. */
function recordingClock(random = 0.5): RetryClock & { pauses: number[] } {
  const pauses: number[] = [];
  return {
    pauses,
    random: () => random,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      pauses.push(ms);
    },
  };
}

describe("backoff", () => {
  it("doubles from the base up to the cap, half fixed and half jittered", () => {
    const delays = (random: number) =>
      [1, 2, 3, 4].map((n) => backoffDelay(POLICY, n, () => random));
    expect(delays(0)).toEqual([50, 100, 150, 150]);
    expect(delays(1)).toEqual([100, 200, 300, 300]);
  });
});

describe("withRetries", () => {
  it("retries network errors until the attempts run out, pausing between tries", async () => {
    const clock = recordingClock(0);
    let calls = 0;
    const failing = withRetries(
      async () => {
        calls += 1;
        throw new CmqNetworkError("connection refused");
      },
      POLICY,
      undefined,
      clock,
    );
    await expect(failing).rejects.toBeInstanceOf(CmqNetworkError);
    expect({ calls, pauses: clock.pauses }).toEqual({ calls: 4, pauses: [50, 100, 150] });
  });

  it("returns the first answer after failures", async () => {
    const clock = recordingClock();
    const answer = await withRetries(
      async (attempt) => {
        if (attempt < 3) throw new CmqNetworkError("reset");
        return attempt;
      },
      POLICY,
      undefined,
      clock,
    );
    expect(answer).toBe(3);
  });

  it("never retries a CMQ error reply, or any other error", async () => {
    for (const error of [
      new CmqError("SendMessage", 4440, "(10100)queue is not existed", "http"),
      new TypeError("bug"),
    ]) {
      let calls = 0;
      const once = withRetries(
        async () => {
          calls += 1;
          throw error;
        },
        POLICY,
        undefined,
        recordingClock(),
      );
      await expect(once).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it("stops when the signal aborts during a pause, with the signal's reason", async () => {
    const controller = new AbortController();
    const clock: RetryClock = {
      random: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason));
          controller.abort(new Error("stop"));
        }),
    };
    let calls = 0;
    const stopped = withRetries(
      async () => {
        calls += 1;
        throw new CmqNetworkError("refused");
      },
      POLICY,
      controller.signal,
      clock,
    );
    await expect(stopped).rejects.toThrow("stop");
    expect(calls).toBe(1);
  });
});

describe("CmqHttpClient", () => {
  const credentials = { secretId: "AKIDtest", secretKey: "secret" };
  const reply = (body: object) => new Response(JSON.stringify(body), { status: 200 });

  it("signs each retry afresh, so a repeat is not taken for a replay", async () => {
    const nonces: string[] = [];
    const client = new CmqHttpClient({
      endpoint: "http://cmq.test/v2/index.php",
      credentials,
      retryClock: recordingClock(),
      fetch: async (request) => {
        nonces.push(new URLSearchParams(await request.text()).get("Nonce") ?? "");
        if (nonces.length < 3)
          throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
        return reply({ code: 0, message: "", requestId: "r", queueId: "q-1" });
      },
    });
    expect(await client.createQueue("jobs")).toBe("q-1");
    expect(new Set(nonces).size).toBe(3);
  });

  it("throws CMQ's code and message as values, after one request", async () => {
    let calls = 0;
    const client = new CmqHttpClient({
      endpoint: "http://cmq.test/",
      credentials,
      retryClock: recordingClock(),
      fetch: async () => {
        calls += 1;
        return reply({
          code: 4440,
          message: "(10100)queue is not existed, or deleted: x",
          requestId: "r-9",
        });
      },
    });
    const error = await client.ok("GetQueueAttributes", { queueName: "x" }).catch((e) => e);
    expect(error).toBeInstanceOf(CmqHttpError);
    expect(error).toMatchObject({
      code: 4440,
      cmqMessage: "(10100)queue is not existed, or deleted: x",
      action: "GetQueueAttributes",
      transport: "http",
      requestId: "r-9",
    });
    expect(calls).toBe(1);
  });

  it("names the cause of a request that got no answer", async () => {
    const client = new CmqHttpClient({
      endpoint: "http://cmq.test/",
      credentials,
      retry: { attempts: 2 },
      retryClock: recordingClock(),
      fetch: async () => {
        throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
      },
    });
    await expect(client.call("ListQueue")).rejects.toThrow(
      "ListQueue: fetch failed (ECONNREFUSED)",
    );
  });

  it("cuts off an attempt at its timeout, as a network error", async () => {
    const client = new CmqHttpClient({
      endpoint: "http://cmq.test/",
      credentials,
      timeoutMs: 1,
      retry: { attempts: 1 },
      // Answers only when the request's signal gives up on it.
      fetch: (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
    });
    await expect(client.call("ListQueue")).rejects.toBeInstanceOf(CmqNetworkError);
  });

  it("rejects with the caller's reason when the caller aborts, and does not retry", async () => {
    let calls = 0;
    const controller = new AbortController();
    const client = new CmqHttpClient({
      endpoint: "http://cmq.test/",
      credentials,
      retryClock: recordingClock(),
      fetch: (request) => {
        calls += 1;
        controller.abort(new DOMException("stopped", "AbortError"));
        return new Promise((_, reject) => {
          if (request.signal.aborted) reject(request.signal.reason);
        });
      },
    });
    const error = await client
      .call("ReceiveMessage", {}, { signal: controller.signal })
      .catch((e) => e);
    expect({ name: error.name, calls }).toEqual({ name: "AbortError", calls: 1 });
  });
});
