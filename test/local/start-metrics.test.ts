/**
 * `npm start -- --log-requests` as a user runs it: the banner names both metrics endpoints, the
 * Worker's GET /metrics answers the local metrics token and the bridge's answers on its own port
 * (both read with a real Prometheus text-format parser), and every request the Worker serves
 * prints one JSON line.
 *
 *   npx vitest run --project local test/local/start-metrics.test.ts
 */

import { CmqHttpClient } from "cmq-edge/client";
import { afterAll, describe, expect, it } from "vitest";
import { localCredential, localDefaults } from "../../local/local-defaults";
import { type ProcessGroup, Sandbox } from "../fault/processes";
import { parseExposition } from "../helpers/prometheus";

const box = new Sandbox("local-start-metrics");
let group: ProcessGroup | undefined;

afterAll(async () => {
  if (group) {
    try {
      process.kill(-group.pgid, "SIGINT");
    } catch {
      // Already gone.
    }
    expect(await group.gone(15_000), `left: ${group.left().join(", ")}`).toBe(true);
  }
  expect(await box.stopAll()).toEqual([]);
  box.remove();
});

describe("npm start's metrics and request log", () => {
  it("serves both /metrics and prints one line per request with --log-requests", async () => {
    const ports = ["--http-port", "0", "--tcp-port", "0", "--https-port", "0"];
    group = box.startNpmStart([
      ...ports,
      "--bridge-metrics-port",
      "0",
      "--log-requests",
      "--persist-to",
      box.persistDir,
    ]);
    const worker = (await group.printed(/^ {4}Worker {2}(http:\/\/127\.0\.0\.1:\d+)\/metrics/m))[1];
    const bridge = (await group.printed(/^ {4}bridge {2}(http:\/\/127\.0\.0\.1:\d+\/metrics)/m))[1];

    const http = new CmqHttpClient({
      endpoint: `${worker}/v2/index.php`,
      credentials: localCredential(),
    });
    const queueName = `metrics-${Date.now().toString(36)}`;
    await http.ok("CreateQueue", { queueName });
    await http.ok("SendMessage", { queueName, msgBody: "hello" });
    const line = await group.printed(
      new RegExp(`^\\{"api":"cmq","action":"SendMessage","queue":"${queueName}".*\\}$`, "m"),
    );
    expect(JSON.parse(line[0])).toEqual({
      api: "cmq",
      action: "SendMessage",
      queue: queueName,
      code: 0,
      status: 200,
      ms: expect.any(Number),
    });

    const scraped = await fetch(`${worker}/metrics`, {
      headers: { authorization: `Bearer ${localDefaults().CMQ_METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    const m = parseExposition(await scraped.text());
    const labels = { tenant: localCredential().appId, queue: queueName };
    expect(m.value("cmq_edge_queue_messages_sent_total", labels)).toBe(1);
    expect(m.value("cmq_edge_queue_messages_active", labels)).toBe(1);

    const own = await fetch(bridge as string);
    expect(own.status).toBe(200);
    const b = parseExposition(await own.text());
    expect(b.type("cmq_edge_bridge_frames_received_total")).toBe("counter");
    expect(b.value("cmq_edge_bridge_connections")).toBe(0);
  });
});
