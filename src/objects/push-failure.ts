/**
 * Why a push to a subscriber's endpoint failed, in words its operator can act on. workerd's fetch
 * errors name no cause: a refused connection and one the endpoint dropped both read "Network
 * connection lost.", an unresolvable name and a failed TLS handshake both "internal error;
 * reference = …". A plain TCP connect to the same address tells those apart.
 */
import { connect } from "cloudflare:sockets";

/** Whether a TCP connection to host:port opens within `timeoutMs`. */
export type ConnectProbe = (host: string, port: number, timeoutMs: number) => Promise<boolean>;

/** How long the probe after a failure may take: refusals and failed lookups answer at once. */
const PROBE_TIMEOUT_MS = 2000;

const LOST = "Network connection lost.";
const INTERNAL = "internal error; reference = ";

export const tcpProbe: ConnectProbe = async (host, port, timeoutMs) => {
  const socket = connect({ hostname: host, port });
  // A failed connect rejects `closed` as well: nothing else waits on it.
  socket.closed.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([socket.opened.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    socket.close().catch(() => {});
  }
};

function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

/** The cause of a fetch that threw (not one our timeout aborted), checked with a probe. */
export async function describePushFailure(
  error: unknown,
  endpoint: string,
  probe: ConnectProbe = tcpProbe,
): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const raw = error instanceof Error ? `${error.name}: ${message}` : message;
  const lost = message === LOST;
  if (!lost && !message.startsWith(INTERNAL)) return raw;
  const url = new URL(endpoint);
  const tls = url.protocol === "https:";
  const port = Number(url.port || (tls ? 443 : 80));
  const address = `${url.hostname}:${port}`;
  const opens = await probe(url.hostname.replace(/^\[|\]$/g, ""), port, PROBE_TIMEOUT_MS);
  if (lost) {
    return opens
      ? `connection to ${address} closed before an answer`
      : `connection refused by ${address}`;
  }
  if (opens) return tls ? `TLS handshake with ${address} failed` : raw;
  return isIpLiteral(url.hostname)
    ? `cannot connect to ${address}`
    : `name not resolved: ${url.hostname}`;
}
