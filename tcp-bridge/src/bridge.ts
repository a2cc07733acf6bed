/** Assembles a bridge from its config: the Worker channel, the forwarder and the TCP server. */
import { MAX_BATCH, MAX_BATCH_BYTES } from "../../src/domain/limits";
import type { BridgeConfig } from "./config";
import { Forwarder } from "./forwarder";
import { BridgeServer } from "./server";
import { TransactionPoller } from "./transaction-poller";
import { HttpWorkerChannel, type WorkerChannel } from "./worker-channel";

export interface RunningBridge {
  server: BridgeServer;
  forwarder: Forwarder;
  address: { host: string; port: number };
  stop(): Promise<void>;
}

export async function startBridge(
  config: BridgeConfig,
  log: (message: string) => void = () => {},
  channel: WorkerChannel = new HttpWorkerChannel({
    workerUrl: config.workerUrl,
    token: config.bridgeToken,
    connections: config.workerConnections,
    pollConnections: config.maxInFlightTotal,
  }),
): Promise<RunningBridge> {
  // A coalesced call carries at most a few batches' worth of frames, keeping object calls (and
  // their RPC payloads) small.
  const forwarder = new Forwarder(channel, {
    maxInFlight: config.coalesceInFlight,
    maxItems: 4 * MAX_BATCH,
    maxWeight: 4 * MAX_BATCH_BYTES,
  });
  // The poller and the server need each other: check-backs go out on the server's connections.
  const transactions: TransactionPoller = new TransactionPoller(
    forwarder,
    (producer, queue, msgId): boolean => server.askProducer(producer, queue, msgId),
    config.transactionPollMs,
  );
  const server: BridgeServer = new BridgeServer(forwarder, transactions, config, log);
  const address = await server.listen();
  return {
    server,
    forwarder,
    address,
    stop: async () => {
      transactions.stop();
      await server.shutdown();
      await channel.close(config.shutdownGraceMs);
    },
  };
}
