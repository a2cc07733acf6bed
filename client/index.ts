/**
 * `cmq-edge/client`: one typed client over two transports — HTTP (CMQ API 2.0, signed) and TCP
 * (CMQ's binary protocol through the bridge, pipelined) — for Node. Over TCP, management and
 * cmq-edge's own actions go over HTTP when an `endpoint` is given. `cmq-edge/client/http` is the
 * HTTP half alone, for runtimes without Node's modules.
 * @module
 */
import { CmqClient } from "./cmq-client";
import { CmqHttpClient, type HttpClientOptions } from "./http-client";
import type { RetryClock, RetryPolicy } from "./retry";
import type { Credentials } from "./signing";
import { ClientParts } from "./transport";
import { TcpTransport } from "./transport-tcp";

export interface TcpClientConfig {
  /** The TCP bridge: `npm start` serves it on 127.0.0.1:6380. */
  host: string;
  port: number;
  credentials: Credentials;
  /** `<ip>@<instance>`, as the Java SDK names its clients; default 127.0.0.1@DEFAULT. */
  clientId?: string;
  signatureMethod?: "HmacSHA1" | "HmacSHA256";
  /** The HTTP API, for management, peek, extend and release (the TCP protocol has none of them). */
  endpoint?: string;
  /** Per request, ms; a long poll adds its wait. Default 10 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  retryClock?: RetryClock;
  fetch?: HttpClientOptions["fetch"];
}

/**
 * A client whose messages travel over one pipelined TCP connection to the bridge (opened on first
 * use, reopened when it drops). Messages a pull took after its caller aborted are released at
 * once when `endpoint` is given, else they come back after their visibility timeout.
 */
export function tcpClient(config: TcpClientConfig): CmqClient {
  const { credentials, endpoint, fetch, ...tcp } = config;
  const http = endpoint
    ? new CmqHttpClient({ endpoint, credentials, fetch, ...pick(config) })
    : undefined;
  const transport = new TcpTransport({
    ...tcp,
    ...credentials,
    onAbandoned: (queue, handles) => {
      if (!http) return;
      for (const receiptHandle of handles) {
        const params = { queueName: queue, receiptHandle, visibilityTimeout: 0 };
        void http.call("EdgeChangeMessageVisibility", params).catch(() => {});
      }
    },
  });
  return new CmqClient(new ClientParts(transport, http));
}

function pick(config: TcpClientConfig) {
  return { timeoutMs: config.timeoutMs, retry: config.retry, retryClock: config.retryClock };
}

export * from "./http";
export {
  type TcpCallOptions,
  TcpClient,
  type TcpClientOptions,
  type TransactionChecker,
} from "./tcp-connection";
export { TcpTransport, type TcpTransportOptions } from "./transport-tcp";
