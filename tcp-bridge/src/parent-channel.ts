/**
 * What the bridge tells the process that started it (local/start.ts) over their IPC channel: that
 * it accepts connections, and on which address (and its metrics port, when it serves one), or that
 * a port is taken (the TCP port, or the metrics port). A parent prints its own "listening" line
 * only on the first, so the line never runs ahead of the socket.
 */
export type BridgeMessage =
  | { type: "listening"; host: string; port: number; metricsPort?: number }
  | { type: "port-in-use"; port: number; which: "tcp" | "metrics" };

export function isBridgeMessage(value: unknown): value is BridgeMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "listening" || type === "port-in-use";
}
