/**
 * The bridge's TCP server: accepts CMQ clients up to a connection limit, gives each a Connection,
 * and shuts down gracefully — stop accepting and reading, let in-flight requests finish within a
 * grace period, answer the rest with an error, then close.
 */
import { createServer, type Server } from "node:net";
import type { BridgeMetrics } from "./bridge-metrics";
import { Connection, type ConnectionLimits } from "./connection";
import type { Forwarder } from "./forwarder";
import { InFlightBudget } from "./in-flight-budget";
import type { Producer, TransactionPoller } from "./transaction-poller";

const producerKey = (p: Producer) => `${p.appId}\u0000${p.clientId}`;

export interface ServerOptions extends ConnectionLimits {
  host: string;
  port: number;
  maxConnections: number;
  maxInFlightTotal: number;
  shutdownGraceMs: number;
}

export class BridgeServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly budget: InFlightBudget;
  /** Live connections by producer (tenant and client id), for transaction check-backs. */
  private readonly producers = new Map<string, Set<Connection>>();

  constructor(
    forwarder: Forwarder,
    transactions: TransactionPoller,
    private readonly options: ServerOptions,
    private readonly log: (message: string) => void,
    readonly metrics: BridgeMetrics,
  ) {
    this.budget = new InFlightBudget(options.maxInFlightTotal);
    const deps = {
      forwarder,
      transactions,
      budget: this.budget,
      log,
      metrics,
      producers: {
        add: (p: Producer, c: Connection) => {
          const key = producerKey(p);
          this.producers.set(key, (this.producers.get(key) ?? new Set()).add(c));
        },
        remove: (p: Producer, c: Connection) => {
          const set = this.producers.get(producerKey(p));
          set?.delete(c);
          if (set?.size === 0) this.producers.delete(producerKey(p));
        },
      },
    };
    this.server = createServer((socket) => {
      const connection = new Connection(socket, options, deps);
      metrics.connectionsOpened++;
      this.connections.add(connection);
      socket.on("close", () => this.connections.delete(connection));
    });
    this.server.maxConnections = options.maxConnections;
  }

  /**
   * Sends a transaction check-back to every live connection of the producer (one client id may
   * have several, and a reconnected producer must still be asked); false when it has none.
   */
  askProducer(p: Producer, queue: string, msgId: bigint): boolean {
    const connections = this.producers.get(producerKey(p)) ?? new Set<Connection>();
    for (const c of connections) c.askTransaction(queue, msgId);
    return connections.size > 0;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get inFlight(): number {
    return this.budget.inUse;
  }

  get inFlightLimit(): number {
    return this.budget.max;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => {
        const address = this.server.address();
        if (address === null || typeof address === "string")
          return reject(new Error("no TCP address"));
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.stopReading();
    const drained = Promise.all([...this.connections].map((c) => c.drain()));
    const grace = new Promise<"late">((resolve) =>
      setTimeout(() => resolve("late"), this.options.shutdownGraceMs).unref(),
    );
    if ((await Promise.race([drained, grace])) === "late") {
      this.log("shutdown grace ended: failing the requests still in flight");
    }
    for (const c of this.connections) c.failPending({ kind: "internal" });
    await closed;
  }
}
