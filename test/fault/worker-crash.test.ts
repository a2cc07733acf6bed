/**
 * Fault test: `kill -9` of the whole `wrangler dev` process group (node, esbuild, workerd) at a
 * random moment under concurrent HTTP and TCP traffic, round after round, restarting it on the
 * same persisted storage and port while the TCP bridge stays up. Checks, from a client-side
 * ledger: no acknowledged send is lost, no message is delivered after a successful delete, every
 * body comes back byte for byte.
 *
 *   npx vitest run --project fault test/fault/worker-crash.test.ts
 *   CMQ_FAULT_ROUNDS=50 CMQ_FAULT_SEED=123 npx vitest run --project fault test/fault/worker-crash.test.ts
 */
import { killRounds } from "./kill-rounds";
import { wranglerDev } from "./targets";

const ROUNDS = Number(process.env.CMQ_FAULT_ROUNDS ?? 20);
const SEED = Number(process.env.CMQ_FAULT_SEED ?? Date.now() % 1_000_000);

killRounds({
  tag: "worker-crash",
  rounds: ROUNDS,
  seed: SEED,
  victim: wranglerDev,
  startTraffic(traffic) {
    traffic.httpProducers(2);
    traffic.tcpProducers(2);
    traffic.httpConsumers(2);
    traffic.tcpConsumers(2);
  },
});
