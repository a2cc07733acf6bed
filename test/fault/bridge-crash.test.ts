/**
 * Fault test: `kill -9` of the TCP bridge process at a random moment under concurrent TCP traffic
 * (producers with send / batchSend, consumers with batchPull / batchDelete), round after round,
 * restarting it on the same port while `wrangler dev` stays up. TCP clients see errors or closed
 * connections, never hang, reconnect with a new TcpClient and carry on; at the end the queues are
 * drained over HTTP and the ledger checked: no acknowledged send lost, no message delivered after a
 * successful delete, every body byte for byte.
 *
 *   npx vitest run --project fault test/fault/bridge-crash.test.ts
 *   CMQ_FAULT_BRIDGE_ROUNDS=30 CMQ_FAULT_SEED=123 npx vitest run --project fault test/fault/bridge-crash.test.ts
 */
import { expect } from "vitest";
import { killRounds } from "./kill-rounds";
import { tcpBridge } from "./targets";

const ROUNDS = Number(process.env.CMQ_FAULT_BRIDGE_ROUNDS ?? 8);
const SEED = Number(process.env.CMQ_FAULT_SEED ?? Date.now() % 1_000_000);
const TCP_CLIENTS = 4;

killRounds({
  tag: "bridge-crash",
  rounds: ROUNDS,
  seed: SEED,
  victim: tcpBridge,
  startTraffic(traffic) {
    traffic.tcpProducers(TCP_CLIENTS / 2);
    traffic.tcpConsumers(TCP_CLIENTS / 2);
  },
  drainOverHttp: true,
  finalChecks(traffic) {
    // Each kill closed every client's connection, and each client came back with a new one.
    expect(traffic.tcpReconnects).toBeGreaterThanOrEqual(TCP_CLIENTS * ROUNDS);
  },
});
