/**
 * `npm start`'s options: flags, else CMQ_* environment variables, else the defaults. A pure
 * parse (node:util parseArgs, strict), so a typo is a usage error with exit code 2 rather than an
 * option silently ignored or a stack trace.
 */
import { parseArgs } from "node:util";
import { TCP_LIMITS } from "../src/domain/limits";

export interface StartOptions {
  /** 0 picks a free port. */
  httpPort: number;
  tcpPort: number;
  persistTo: string;
  /** The same Worker over TLS (local/https-server.ts). */
  httpsPort: number;
  /** A certificate and key of your own; absent: one generated once into the state folder. */
  tlsCert?: string;
  tlsKey?: string;
  /** The bridge's GET /metrics (Prometheus) on this loopback port. */
  bridgeMetricsPort: number;
  /** The Worker prints one JSON line per request (CMQ_LOG_REQUESTS). */
  logRequests: boolean;
}

export type ParsedStart =
  | { kind: "run"; options: StartOptions }
  | { kind: "help"; text: string }
  | { kind: "usage-error"; text: string };

export const USAGE = `Usage: npm start -- [options]

Runs cmq-edge locally on persisted storage: the Worker's CMQ HTTP API and the TCP bridge in front
of it. Ctrl-C stops everything.

Options:
  --http-port <port>   HTTP port (env CMQ_HTTP_PORT; default 8787; 0 picks a free one)
  --tcp-port <port>    TCP bridge port (env CMQ_TCP_PORT; default ${TCP_LIMITS.port}; 0 picks a free one)
  --persist-to <dir>   where queues are kept (env CMQ_PERSIST_TO; default .wrangler/state)
  --https-port <port>  HTTPS port, the same API over TLS (env CMQ_HTTPS_PORT; default 8443)
  --tls-cert <file>    a PEM certificate to serve https with (env CMQ_TLS_CERT; default: one
                       generated once into <persist-to>/https/)
  --tls-key <file>     its PEM private key (env CMQ_TLS_KEY)
  --bridge-metrics-port <port>
                       the TCP bridge's Prometheus metrics, GET /metrics (env
                       CMQ_BRIDGE_METRICS_PORT; default 9464; 0 picks a free one)
  --log-requests       print one JSON line per request the Worker serves: action, queue, code,
                       ms (env CMQ_LOG_REQUESTS=1)
  -h, --help           print this and exit`;

const OPTIONS = {
  "http-port": { type: "string" },
  "tcp-port": { type: "string" },
  "persist-to": { type: "string" },
  "https-port": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "bridge-metrics-port": { type: "string" },
  "log-requests": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Not parseArgs defaults: those would hide the environment variable behind them. */
const FALLBACKS = {
  "http-port": { env: "CMQ_HTTP_PORT", default: "8787" },
  "tcp-port": { env: "CMQ_TCP_PORT", default: String(TCP_LIMITS.port) },
  "persist-to": { env: "CMQ_PERSIST_TO", default: ".wrangler/state" },
  "https-port": { env: "CMQ_HTTPS_PORT", default: "8443" },
  // 9464: the port Prometheus exporters of OpenTelemetry use by default.
  "bridge-metrics-port": { env: "CMQ_BRIDGE_METRICS_PORT", default: "9464" },
} as const;

class UsageError extends Error {}

function port(
  name: "http-port" | "tcp-port" | "https-port" | "bridge-metrics-port",
  text: string,
): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535)
    throw new UsageError(
      `--${name} (or ${FALLBACKS[name].env}) must be a port number from 0 to 65535, got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv): ParsedStart {
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
    if (values.help) return { kind: "help", text: USAGE };
    const get = (name: keyof typeof FALLBACKS) =>
      values[name] ?? env[FALLBACKS[name].env] ?? FALLBACKS[name].default;
    return {
      kind: "run",
      options: {
        httpPort: port("http-port", get("http-port")),
        tcpPort: port("tcp-port", get("tcp-port")),
        persistTo: get("persist-to"),
        httpsPort: port("https-port", get("https-port")),
        tlsCert: values["tls-cert"] ?? env.CMQ_TLS_CERT,
        tlsKey: values["tls-key"] ?? env.CMQ_TLS_KEY,
        bridgeMetricsPort: port("bridge-metrics-port", get("bridge-metrics-port")),
        logRequests: values["log-requests"] ?? env.CMQ_LOG_REQUESTS === "1",
      },
    };
  } catch (error) {
    // parseArgs' own errors (unknown option, missing value, stray argument) carry an ERR_PARSE_ARGS_* code.
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!(error instanceof UsageError) && !code.startsWith("ERR_PARSE_ARGS")) throw error;
    return { kind: "usage-error", text: `cmq-edge: ${(error as Error).message}\n\n${USAGE}` };
  }
}
