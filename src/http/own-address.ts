/**
 * Whether a URL names cmq-edge itself, so Subscribe can refuse an HTTP endpoint that would push
 * back into its own API. Scheme, host and port must all match; loopback spellings count as one host.
 * @module
 */

/** Where a request reached us: its scheme (`http:`) and its Host header (`cmq.test:8787`). */
export interface OwnAddress {
  scheme: string;
  host: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/** Every name and literal that reaches this machine's loopback interface folds into this. */
const LOOPBACK = "loopback";

/**
 * One spelling per host. WHATWG URL parsing has already lower-cased names and turned IPv4 forms
 * (2130706433, 0x7f000001, 0177.0.0.1, 127.1) into dotted quads and IPv6 into its shortest form,
 * so only the loopback sets are left to fold: localhost and *.localhost (RFC 6761), 127.0.0.0/8,
 * ::1, their IPv4-mapped forms, and the unspecified addresses, which connect to this host too.
 */
function canonicalHost(hostname: string): string {
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  if (name === "localhost" || name.endsWith(".localhost")) return LOOPBACK;
  if (/^127\.\d+\.\d+\.\d+$/.test(name) || name === "0.0.0.0") return LOOPBACK;
  if (name === "[::1]" || name === "[::]") return LOOPBACK;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(name);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? "", 16);
    const low = Number.parseInt(mapped[2] ?? "", 16);
    if (high >> 8 === 127 || (high === 0 && low === 0)) return LOOPBACK;
  }
  return name;
}

function addressOf(url: URL): string {
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  return `${url.protocol}//${canonicalHost(url.hostname)}:${port}`;
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** True when `endpoint` has our scheme, our host (loopback forms folded) and our port. */
export function isOwnAddress(endpoint: string, own: OwnAddress): boolean {
  const target = parse(endpoint);
  const self = parse(`${own.scheme}//${own.host}/`);
  return target !== undefined && self !== undefined && addressOf(target) === addressOf(self);
}
