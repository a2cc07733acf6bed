/**
 * Assembles a bridge from its config: the Worker channel, the forwarder, the TCP server, and the
 * metrics port when one is configured.
 */
import type { BridgeCall } from "../../src/contract/bridge-calls";
import { MAX_BATCH, MAX_BATCH_BYTES } from "../../src/domain/limits";
import { BridgeMetrics } from "./bridge-metrics";
import type { BridgeConfig } from "./config";
import { Forwarder } from "./forwarder";
import { type MetricsServer, startMetricsServer } from "./metrics-server";
import { BridgeServer } from "./server";
import { TransactionPoller } from "./transaction-poller";
import { HttpWorkerChannel, type WorkerChannel } from "./worker-channel";

export interface RunningBridge {
  server: BridgeServer;
  forwarder: Forwarder;
  address: { host: string; port: number };
  /** Where GET /metrics is served; absent when no metrics port is configured. */
  metricsAddress?: { host: string; port: number };
  stop(): Promise<void>;
}

/** The channel, each call counted by its operation on the way. */
function counted(channel: WorkerChannel, metrics: BridgeMetrics): WorkerChannel {
  return {
    call<C extends BridgeCall>(call: C, signal?: AbortSignal) {
      metrics.workerCall(call.op);
      return channel.call(call, signal);
    },
    close: (graceMs) => channel.close(graceMs),
  };
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
  const metrics = new BridgeMetrics();
  // A coalesced call carries at most a few batches' worth of frames, keeping object calls (and
  // their RPC payloads) small.
  const forwarder = new Forwarder(counted(channel, metrics), {
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
  const server: BridgeServer = new BridgeServer(forwarder, transactions, config, log, metrics);
  const address = await server.listen();
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer(config.metricsPort, () =>
        metrics.families({
          connections: server.connectionCount,
          inFlight: server.inFlight,
          inFlightLimit: server.inFlightLimit,
          coalesced: {
            send: forwarder.sends.stats,
            publish: forwarder.publishes.stats,
            consume: forwarder.consumes.stats,
          },
        }),
      );
    } catch (error) {
      transactions.stop();
      await server.shutdown();
      throw error;
    }
  }
  return {
    server,
    forwarder,
    address,
    ...(metricsServer ? { metricsAddress: metricsServer.address } : {}),
    stop: async () => {
      transactions.stop();
      await Promise.all([server.shutdown(), metricsServer?.close()]);
      await channel.close(config.shutdownGraceMs);
    },
  };
}
