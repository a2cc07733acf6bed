/**
 * The bridge's `GET /metrics` (Prometheus text format) on a loopback port of its own, apart from
 * the CMQ TCP port: node:http, answered from the in-memory counters (bridge-metrics.ts).
 * @module
 */
import { createServer, type Server } from "node:http";
import type { MetricFamily } from "../../src/contract/prometheus-text";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../src/contract/prometheus-text";

export interface MetricsServer {
  address: { host: string; port: number };
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0 picks a free one); `families` is read at each scrape. */
export function startMetricsServer(
  port: number,
  families: () => MetricFamily[],
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      response.end("the bridge serves GET /metrics only\n");
      return;
    }
    response.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
    response.end(renderPrometheus(families()));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no address"));
      resolve({
        address: { host: address.address, port: address.port },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
