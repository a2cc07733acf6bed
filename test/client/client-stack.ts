/**
 * What the client tests run against: the bridge tests' stack (test/bridge/stack.ts), with the
 * Worker served as `npm start` serves it (Miniflare behind the disconnect relay, so an aborted HTTP
 * long poll is noticed), and a cmq-edge/client for each transport.
 */
import { type CmqClient, httpClient, tcpClient } from "cmq-edge/client";
import { startMiniflareWorker } from "../../local/local-worker";
import type { BridgeConfig } from "../../tcp-bridge/src/config";
import { CREDENTIALS, startStack } from "../bridge/stack";

export type TransportName = "http" | "tcp";

export async function startClientStack(overrides: Partial<BridgeConfig> = {}) {
  const configPath = new URL("../../wrangler.toml", import.meta.url).pathname;
  const stack = await startStack(overrides, {
    startWorker: () => startMiniflareWorker({ configPath }),
  });
  const endpoint = `${stack.worker.url}/v2/index.php`;
  const credentials = { secretId: CREDENTIALS.secretId, secretKey: CREDENTIALS.secretKey };
  const port = stack.bridge.address.port;
  const clients: CmqClient[] = [];
  return {
    ...stack,
    endpoint,
    credentials,
    tcpPort: port,
    /** A new client over `transport`; TCP ones get the HTTP endpoint too. */
    client(transport: TransportName): CmqClient {
      const client =
        transport === "http"
          ? httpClient({ endpoint, credentials })
          : tcpClient({ host: "127.0.0.1", port, credentials, endpoint });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.close();
      await stack.stop();
    },
  };
}

export type ClientStack = Awaited<ReturnType<typeof startClientStack>>;
