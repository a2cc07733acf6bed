/**
 * What the bridge tells the process that started it (local/start.ts) over their IPC channel: that
 * it accepts connections, and on which address, or that its port is taken. A parent prints its
 * own "listening" line only on the first, so the line never runs ahead of the socket.
 */
export type BridgeMessage =
  | { type: "listening"; host: string; port: number }
  | { type: "port-in-use"; port: number };

export function isBridgeMessage(value: unknown): value is BridgeMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "listening" || type === "port-in-use";
}
