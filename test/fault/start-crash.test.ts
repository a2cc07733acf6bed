/**
 * Fault test: `kill -9` of `npm start` at a random moment under HTTP and TCP send / receive /
 * delete traffic, in odd rounds its whole process group (`kill -9 -PGID`: an OOM kill, a crashed
 * terminal), in even rounds the start process alone; each round waits until nothing that start
 * started (bridge, workerd, watchdog) is left, then runs the same `npm start` on the same ports
 * and storage, which must come up every time. The ledger checks no acknowledged send is lost and
 * nothing is delivered after a successful delete.
 *
 *   npx vitest run --project fault test/fault/start-crash.test.ts
 *   CMQ_FAULT_START_ROUNDS=20 CMQ_FAULT_SEED=123 npx vitest run --project fault test/fault/start-crash.test.ts
 */
import { killRounds } from "./kill-rounds";
import { npmStart } from "./targets";

const ROUNDS = Number(process.env.CMQ_FAULT_START_ROUNDS ?? 10);
const SEED = Number(process.env.CMQ_FAULT_SEED ?? Date.now() % 1_000_000);

killRounds({
  tag: "start-crash",
  rounds: ROUNDS,
  seed: SEED,
  victim: npmStart(
    "npm start (odd rounds its process group, even rounds the start process alone)",
    (round) => (round % 2 === 1 ? "group" : "start"),
  ),
  startTraffic(traffic) {
    traffic.httpProducers(1);
    traffic.tcpProducers(1);
    traffic.httpConsumers(1);
    traffic.tcpConsumers(1);
  },
});
