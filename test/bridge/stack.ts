/**
 * A real local Worker (through wrangler, storage in memory) with a TCP bridge in front of it on a
 * loopback port, plus clients for both: what the bridge integration tests run against.
 */

import { CmqHttpClient, TcpClient, type TcpClientOptions } from "cmq-edge/client";
import { localCredential, localDefaults } from "../../local/local-defaults";
import { type LocalWorker, startLocalWorker } from "../../local/local-worker";
import { startBridge } from "../../tcp-bridge/src/bridge";
import { type BridgeConfig, readConfig } from "../../tcp-bridge/src/config";

export const CREDENTIALS = localCredential();

const WRANGLER_TOML = new URL("../../wrangler.toml", import.meta.url).pathname;

/** `worker`: through wrangler by default; test/client serves it as `npm start` does. */
export async function startStack(
  overrides: Partial<BridgeConfig> = {},
  log: (message: string) => void = () => {},
  startWorker: () => Promise<LocalWorker> = () => startLocalWorker(WRANGLER_TOML),
) {
  const worker = await startWorker();
  const local = { CMQ_BRIDGE_TOKEN: localDefaults().CMQ_BRIDGE_TOKEN };
  const config = { ...readConfig([], local), port: 0, workerUrl: worker.url, ...overrides };
  const bridge = await startBridge(config, log);
  const clients: TcpClient[] = [];
  let counter = 0;
  return {
    worker,
    bridge,
    http: new CmqHttpClient({ endpoint: `${worker.url}/v2/index.php`, credentials: CREDENTIALS }),
    async tcp(options: Partial<TcpClientOptions> = {}) {
      counter += 1;
      const client = await TcpClient.connect({
        host: "127.0.0.1",
        port: bridge.address.port,
        ...CREDENTIALS,
        // Each client its own instance name, as separate producer processes would have.
        clientId: `127.0.0.1@client-${counter}`,
        ...options,
      });
      clients.push(client);
      return client;
    },
    name(prefix = "q") {
      counter += 1;
      return `${prefix}-${Date.now().toString(36)}-${counter}`;
    },
    async stop() {
      for (const c of clients) c.close();
      await bridge.stop();
      await worker.dispose();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
