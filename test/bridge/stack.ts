/**
 * A real local Worker (through wrangler, storage in memory) with a TCP bridge in front of it on a
 * loopback port, plus clients for both: what the bridge integration tests run against.
 */

import { CmqHttpClient, TcpClient, type TcpClientOptions } from "cmq-edge/client";
import { type LocalCredential, localCredential, localDefaults } from "../../local/local-defaults";
import { type LocalWorker, startLocalWorker } from "../../local/local-worker";
import { startBridge } from "../../tcp-bridge/src/bridge";
import { type BridgeConfig, readConfig } from "../../tcp-bridge/src/config";

export const CREDENTIALS = localCredential();

const WRANGLER_TOML = new URL("../../wrangler.toml", import.meta.url).pathname;

export interface StackOptions {
  /** The Worker's CMQ_CREDENTIALS instead of the local default one (more tenants). */
  credentials?: LocalCredential[];
  /** Where the bridge's log lines go (tests that check them). */
  log?: (message: string) => void;
  /** How the Worker runs: through wrangler by default; test/client serves it as `npm start` does. */
  startWorker?: (secrets: Record<string, string>) => Promise<LocalWorker>;
}

export async function startStack(
  overrides: Partial<BridgeConfig> = {},
  options: StackOptions = {},
) {
  const secrets: Record<string, string> = {};
  if (options.credentials) secrets.CMQ_CREDENTIALS = JSON.stringify(options.credentials);
  const start = options.startWorker ?? ((s) => startLocalWorker(WRANGLER_TOML, s));
  const worker = await start(secrets);
  const local = { CMQ_BRIDGE_TOKEN: localDefaults().CMQ_BRIDGE_TOKEN };
  const config = { ...readConfig([], local), port: 0, workerUrl: worker.url, ...overrides };
  const bridge = await startBridge(config, options.log);
  const clients: TcpClient[] = [];
  let counter = 0;
  return {
    worker,
    bridge,
    http: new CmqHttpClient({ endpoint: `${worker.url}/v2/index.php`, credentials: CREDENTIALS }),
    /** An HTTP client signing as another tenant (see `credentials`). */
    httpAs(credentials: LocalCredential) {
      return new CmqHttpClient({ endpoint: `${worker.url}/v2/index.php`, credentials });
    },
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
