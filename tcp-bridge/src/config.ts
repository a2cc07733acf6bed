/**
 * The bridge's settings: command-line flags, else environment variables, else the defaults in
 * src/domain/limits.ts. Malformed numbers are refused at start, not discovered under load.
 */
import { parseArgs } from "node:util";
import { TCP_LIMITS } from "../../src/domain/limits";
import type { ServerOptions } from "./server";

export interface BridgeConfig extends ServerOptions {
  /** The Worker's origin: local `wrangler dev`, or a deployed Worker. */
  workerUrl: string;
  bridgeToken: string;
  /** Keep-alive connections to the Worker. */
  workerConnections: number;
  /** Calls in flight per queue before frames are coalesced into the next one. */
  coalesceInFlight: number;
  /** How often queues with pending transaction messages are asked for due check-backs. */
  transactionPollMs: number;
  /** Loopback port of GET /metrics (0 picks a free one); absent: not served. */
  metricsPort?: number;
}

const FLAGS = {
  host: { env: "CMQ_TCP_HOST", default: "127.0.0.1" },
  port: { env: "CMQ_TCP_PORT", default: String(TCP_LIMITS.port) },
  "worker-url": { env: "CMQ_WORKER_URL", default: "http://127.0.0.1:8787" },
  // No default: a bridge must never fall back to the public local token (local/defaults.env).
  "bridge-token": { env: "CMQ_BRIDGE_TOKEN", default: "" },
  "worker-connections": { env: "CMQ_WORKER_CONNECTIONS", default: "32" },
  "coalesce-in-flight": { env: "CMQ_COALESCE_IN_FLIGHT", default: "2" },
  "transaction-poll-ms": { env: "CMQ_TRANSACTION_POLL_MS", default: "1000" },
  "max-frame-bytes": { env: "CMQ_TCP_MAX_FRAME_BYTES", default: String(TCP_LIMITS.maxFrameBytes) },
  "idle-timeout-ms": { env: "CMQ_TCP_IDLE_TIMEOUT_MS", default: String(TCP_LIMITS.idleTimeoutMs) },
  "max-in-flight": {
    env: "CMQ_TCP_MAX_IN_FLIGHT",
    default: String(TCP_LIMITS.maxInFlightPerConnection),
  },
  "max-in-flight-total": {
    env: "CMQ_TCP_MAX_IN_FLIGHT_TOTAL",
    default: String(TCP_LIMITS.maxInFlightTotal),
  },
  "max-connections": { env: "CMQ_TCP_MAX_CONNECTIONS", default: String(TCP_LIMITS.maxConnections) },
  "shutdown-grace-ms": {
    env: "CMQ_TCP_SHUTDOWN_GRACE_MS",
    default: String(TCP_LIMITS.shutdownGraceMs),
  },
  // Off unless set: a bridge opens no port it was not asked for (npm start asks for one).
  "metrics-port": { env: "CMQ_BRIDGE_METRICS_PORT", default: "" },
} as const;

type Flag = keyof typeof FLAGS;

function integer(name: Flag, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): BridgeConfig {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.keys(FLAGS).map((name) => [name, { type: "string" }]),
    ) as Record<Flag, { type: "string" }>,
  });
  const get = (name: Flag): string => values[name] ?? env[FLAGS[name].env] ?? FLAGS[name].default;
  if (get("bridge-token") === "") {
    throw new Error(
      "--bridge-token (or CMQ_BRIDGE_TOKEN) is required: the Worker's CMQ_BRIDGE_TOKEN secret",
    );
  }
  return {
    host: get("host"),
    port: integer("port", get("port")),
    workerUrl: new URL(get("worker-url")).toString(),
    bridgeToken: get("bridge-token"),
    workerConnections: integer("worker-connections", get("worker-connections")),
    coalesceInFlight: Math.max(1, integer("coalesce-in-flight", get("coalesce-in-flight"))),
    transactionPollMs: Math.max(100, integer("transaction-poll-ms", get("transaction-poll-ms"))),
    maxFrameBytes: integer("max-frame-bytes", get("max-frame-bytes")),
    idleTimeoutMs: integer("idle-timeout-ms", get("idle-timeout-ms")),
    maxInFlight: Math.max(1, integer("max-in-flight", get("max-in-flight"))),
    maxInFlightTotal: Math.max(1, integer("max-in-flight-total", get("max-in-flight-total"))),
    maxConnections: integer("max-connections", get("max-connections")),
    shutdownGraceMs: integer("shutdown-grace-ms", get("shutdown-grace-ms")),
    ...(get("metrics-port") === ""
      ? {}
      : { metricsPort: integer("metrics-port", get("metrics-port")) }),
  };
}
