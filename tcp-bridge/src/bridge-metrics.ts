/**
 * The bridge's own metrics, kept in memory (a bridge holds no state beyond its connections) and
 * served on a local port (metrics-server.ts): connections, frames in and out by command, calls to
 * the Worker and frames per coalesced call, the in-flight budget, error replies by code and
 * protocol errors by kind. Counting is a map increment on paths that already allocate a frame.
 * @module
 */
import { family, type MetricFamily, scalar } from "../../src/contract/prometheus-text";
import { CMD } from "./codec/commands";

const COMMAND_NAMES = new Map<number, string>(
  Object.entries(CMD).map(([name, cmd]) => [cmd, name]),
);

/** A command's label: its name, or "unknown" so no client can grow the label set. */
export function commandLabel(cmd: number): string {
  return COMMAND_NAMES.get(cmd) ?? "unknown";
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** What the metrics read from the live bridge, besides the counters here. */
export interface BridgeGauges {
  connections: number;
  inFlight: number;
  inFlightLimit: number;
  /** Each coalescing lane's calls and the frames they carried (Batcher.stats). */
  coalesced: Record<string, { calls: number; items: number }>;
}

export class BridgeMetrics {
  connectionsOpened = 0;
  readonly framesIn = new Map<string, number>();
  readonly framesOut = new Map<string, number>();
  readonly workerCalls = new Map<string, number>();
  /** Error replies by their TCP result code. */
  readonly errorReplies = new Map<string, number>();
  /** Connections closed for a framing error, by its kind. */
  readonly protocolErrors = new Map<string, number>();

  frameIn(cmd: number): void {
    bump(this.framesIn, commandLabel(cmd));
  }

  frameOut(cmd: number, errorCode?: number): void {
    bump(this.framesOut, commandLabel(cmd));
    if (errorCode !== undefined) bump(this.errorReplies, String(errorCode));
  }

  workerCall(op: string): void {
    bump(this.workerCalls, op);
  }

  protocolError(kind: string): void {
    bump(this.protocolErrors, kind);
  }

  families(g: BridgeGauges): MetricFamily[] {
    const entries = (map: Map<string, number>) => [...map].sort(([a], [b]) => a.localeCompare(b));
    const byLabel = (
      name: string,
      help: string,
      label: string,
      map: Map<string, number>,
    ): MetricFamily =>
      family(
        name,
        "counter",
        help,
        entries(map),
        ([key]) => ({ [label]: key }),
        ([, n]) => n,
      );
    const lanes = Object.entries(g.coalesced);
    return [
      scalar("cmq_edge_bridge_connections", "gauge", "Client connections open now.", g.connections),
      scalar(
        "cmq_edge_bridge_connections_opened_total",
        "counter",
        "Client connections accepted.",
        this.connectionsOpened,
      ),
      byLabel(
        "cmq_edge_bridge_frames_received_total",
        "Frames read from clients, by command.",
        "command",
        this.framesIn,
      ),
      byLabel(
        "cmq_edge_bridge_frames_sent_total",
        "Frames written to clients, by command.",
        "command",
        this.framesOut,
      ),
      byLabel(
        "cmq_edge_bridge_worker_calls_total",
        "Calls to the Worker, by operation.",
        "op",
        this.workerCalls,
      ),
      family(
        "cmq_edge_bridge_coalesced_calls_total",
        "counter",
        "Object calls made by a coalescing lane (frames per call: coalesced_frames / coalesced_calls).",
        lanes,
        ([op]) => ({ op }),
        ([, s]) => s.calls,
      ),
      family(
        "cmq_edge_bridge_coalesced_frames_total",
        "counter",
        "Frames carried by a coalescing lane's object calls.",
        lanes,
        ([op]) => ({ op }),
        ([, s]) => s.items,
      ),
      scalar(
        "cmq_edge_bridge_in_flight_requests",
        "gauge",
        "Requests being answered now, bridge-wide.",
        g.inFlight,
      ),
      scalar(
        "cmq_edge_bridge_in_flight_limit",
        "gauge",
        "The bridge-wide in-flight budget; at it, connections stop being read.",
        g.inFlightLimit,
      ),
      byLabel(
        "cmq_edge_bridge_error_replies_total",
        "Error replies sent, by TCP result code.",
        "code",
        this.errorReplies,
      ),
      byLabel(
        "cmq_edge_bridge_protocol_errors_total",
        "Connections closed for a framing error, by kind.",
        "kind",
        this.protocolErrors,
      ),
    ];
  }
}
