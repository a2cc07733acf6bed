/**
 * The bridge's own GET /metrics on its local port, read with a real Prometheus text-format parser
 * (test/helpers/prometheus.ts) after real TCP traffic: connections, frames in and out by command,
 * frames per coalesced object call, calls to the Worker, the in-flight budget, error replies by
 * code and framing errors by kind.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toWire } from "../../src/domain/errors";
import { parseExposition } from "../helpers/prometheus";
import { type Stack, startStack } from "./stack";

let stack: Stack;
let metricsUrl: string;
beforeAll(async () => {
  stack = await startStack({ metricsPort: 0, maxInFlightTotal: 777 });
  const address = stack.bridge.metricsAddress;
  if (!address) throw new Error("the bridge serves no metrics port");
  metricsUrl = `http://${address.host}:${address.port}/metrics`;
});
afterAll(async () => {
  await stack?.stop();
});

async function scrape() {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** Opens a raw socket, writes `bytes` and resolves once the bridge has closed it. */
function garbage(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(stack.bridge.address.port, "127.0.0.1", () => socket.write(bytes));
    socket.on("error", reject);
    socket.on("close", () => resolve());
    socket.resume();
  });
}

describe("the bridge's /metrics", () => {
  it("counts frames by command, coalesced calls, errors by code and framing errors", async () => {
    const queue = stack.name();
    await stack.http.createQueue(queue);
    const before = await scrape();
    const sendsBefore =
      before.value("cmq_edge_bridge_frames_received_total", { command: "send" }) ?? 0;
    const coalescedBefore =
      before.value("cmq_edge_bridge_coalesced_frames_total", { op: "send" }) ?? 0;

    const tcp = await stack.tcp();
    // Pipelined on one connection: the bridge coalesces them into fewer object calls.
    await Promise.all(Array.from({ length: 40 }, (_, i) => tcp.send(queue, `m${i}`)));
    const pulled = await tcp.batchPull(queue, 16);
    await tcp.batchDelete(
      queue,
      pulled.map((m) => m.receiptHandle),
    );
    // A handle that was never issued: an error reply with its code.
    await expect(tcp.delete(queue, 12345n)).rejects.toThrow();
    await garbage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));

    const m = await scrape();
    expect(m.value("cmq_edge_bridge_frames_received_total", { command: "send" })).toBe(
      sendsBefore + 40,
    );
    expect(
      m.value("cmq_edge_bridge_frames_received_total", { command: "batchPull" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      m.value("cmq_edge_bridge_frames_sent_total", { command: "batchDelete" }),
    ).toBeGreaterThanOrEqual(1);
    const frames =
      (m.value("cmq_edge_bridge_coalesced_frames_total", { op: "send" }) ?? 0) - coalescedBefore;
    expect(frames).toBe(40);
    const calls = m.value("cmq_edge_bridge_coalesced_calls_total", { op: "send" }) ?? 0;
    expect(calls).toBeGreaterThan(0);
    expect(m.value("cmq_edge_bridge_worker_calls_total", { op: "auth" })).toBeGreaterThanOrEqual(1);
    const invalidHandle = toWire({ kind: "receiptHandleInvalid" }, "tcp").code;
    expect(
      m.value("cmq_edge_bridge_error_replies_total", { code: String(invalidHandle) }),
    ).toBeGreaterThanOrEqual(1);
    expect(m.value("cmq_edge_bridge_protocol_errors_total", { kind: "badMarker" })).toBe(1);
    expect(m.value("cmq_edge_bridge_connections")).toBeGreaterThanOrEqual(1);
    expect(m.value("cmq_edge_bridge_connections_opened_total")).toBeGreaterThanOrEqual(2);
    expect(m.value("cmq_edge_bridge_in_flight_limit")).toBe(777);
    expect(m.value("cmq_edge_bridge_in_flight_requests")).toBe(0);
  });

  it("answers 404 to anything but GET /metrics", async () => {
    const response = await fetch(metricsUrl.replace("/metrics", "/other"));
    expect(response.status).toBe(404);
    await response.text();
  });
});
