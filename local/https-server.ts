/**
 * Local https for `npm start`: the same Worker on a port of its own over TLS, for clients that
 * only speak https (the official Java CMQ HTTP SDK sends its management calls to API 3.0 so). A
 * TLS-terminating variant of the disconnect relay forwards bytes to the Worker's http port, so a
 * client going away still cancels its request.
 */

import { type LocalCertificate, localCertificate } from "./certificate";
import { startDisconnectRelay } from "./disconnect-relay";

export interface LocalHttps {
  url: string;
  certificate: LocalCertificate;
  close(): Promise<void>;
}

export interface LocalHttpsOptions {
  /** The Worker's http origin, e.g. http://127.0.0.1:8787. */
  workerUrl: string;
  /** Loopback port; 0 picks a free one. */
  port: number;
  stateDir: string;
  certPath?: string;
  keyPath?: string;
}

export async function startLocalHttps(options: LocalHttpsOptions): Promise<LocalHttps> {
  const certificate = await localCertificate(options);
  const target = new URL(options.workerUrl);
  const relay = await startDisconnectRelay(
    "127.0.0.1",
    options.port,
    { host: target.hostname, port: Number(target.port) },
    { key: certificate.key, cert: certificate.cert },
  );
  return { url: `https://127.0.0.1:${relay.port}`, certificate, close: () => relay.close() };
}

/** The start banner's lines: where the certificate is and how Node and Java come to trust it. */
export function httpsBanner(https: LocalHttps): string {
  const cert = https.certificate.certPath;
  return `  HTTPS ${https.url}/   (same Worker, TLS; API 3.0 for the Java HTTP SDK's managerEndpoint)
    certificate ${cert}${https.certificate.generated ? "  (generated now)" : ""}
    trust it from Node:  NODE_EXTRA_CA_CERTS=${cert} node app.js
    trust it from Java:  keytool -importcert -noprompt -alias cmq-edge-local -file ${cert} \\
                           -keystore cmq-edge-local.jks -storepass changeit
                         java -Djavax.net.ssl.trustStore=cmq-edge-local.jks \\
                           -Djavax.net.ssl.trustStorePassword=changeit …`;
}
