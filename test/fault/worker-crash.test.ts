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
import { afterAll, expect, it } from "vitest";
import { Ledger, Random } from "./ledger";
import {
  freePort,
  httpClient,
  type ProcessGroup,
  Sandbox,
  sleep,
  waitHttpReady,
  waitTcpReady,
} from "./processes";
import { leftovers, type RoundLine, roundLine, verdict } from "./report";
import { drain, recovered, Traffic } from "./traffic";

const ROUNDS = Number(process.env.CMQ_FAULT_ROUNDS ?? 20);
const SEED = Number(process.env.CMQ_FAULT_SEED ?? Date.now() % 1_000_000);
const VISIBILITY_SECONDS = 3;
const REQUEST_TIMEOUT_MS = 5_000;
const TAG = "worker-crash";

let sandbox: Sandbox | undefined;
let traffic: Traffic | undefined;

afterAll(async () => {
  traffic?.closeAll();
  if (!sandbox) return;
  const left = await sandbox.stopAll();
  if (left.length === 0) sandbox.remove();
  else console.log(`[${TAG}] processes survived; logs kept in ${sandbox.dir}`);
  expect(left, "no wrangler, workerd or bridge process may survive the test").toEqual([]);
});

it(`loses no acknowledged message across ${ROUNDS} kill -9 of wrangler dev`, {
  timeout: 120_000 + ROUNDS * 20_000,
}, async () => {
  expect(ROUNDS).toBeGreaterThan(0);
  const started = performance.now();
  const box = new Sandbox("worker");
  sandbox = box;
  const random = new Random(SEED);
  const ledger = new Ledger(random);
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const workerUrl = `http://127.0.0.1:${httpPort}`;
  const endpoint = `${workerUrl}/v2/index.php`;
  console.log(`[${TAG}] seed ${SEED}, ${ROUNDS} rounds, sandbox ${box.dir}`);

  let wrangler: ProcessGroup = await box.startWrangler(httpPort);
  await waitHttpReady(endpoint, wrangler);
  const bridge = box.startBridge(tcpPort, workerUrl);
  await waitTcpReady(tcpPort, bridge);

  const admin = httpClient(endpoint, 15_000);
  const queues = ["fault-a", "fault-b"];
  for (const q of queues) await admin.createQueue(q, { visibilityTimeout: VISIBILITY_SECONDS });

  const t = new Traffic({
    ledger,
    random,
    queues,
    httpEndpoint: endpoint,
    tcpPort,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    waitSeconds: 1,
  });
  traffic = t;
  t.httpProducers(2);
  t.tcpProducers(2);
  t.httpConsumers(2);
  t.tcpConsumers(2);

  const rounds: RoundLine[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    ledger.round = round;
    const before = ledger.snapshot();
    // Every client must have recovered (a request of each succeeded) before the next kill.
    const recoverMs = await recovered(ledger, t.names, `before round ${round}`);
    const runMs = random.int(200, 1_800);
    await sleep(runMs);
    wrangler.kill9();
    const gone = await wrangler.gone(10_000);
    expect(gone, `wrangler group ${wrangler.pgid} still running after kill -9`).toBe(true);
    const downMs = random.int(0, 600);
    await sleep(downMs);
    wrangler = await box.startWrangler(httpPort);
    const readyMs = await waitHttpReady(endpoint, wrangler);
    roundLine(
      TAG,
      ledger,
      rounds,
      before,
      `all clients ok after ${recoverMs} ms, killed ${runMs} ms later, down ${downMs} ms + restart ${readyMs} ms`,
    );
  }

  // Recovery after the last restart, then traffic stops and the consumers drain the queues.
  ledger.round = ROUNDS + 1;
  const before = ledger.snapshot();
  const recoverMs = await recovered(ledger, t.names, "after the last restart");
  await sleep(1_000);
  await t.stopProducers();
  const drainMs = await drain(admin, queues, VISIBILITY_SECONDS, 120_000);
  await t.stopConsumers();
  const left = await leftovers(ledger, admin, queues);
  roundLine(
    TAG,
    ledger,
    rounds,
    before,
    `all clients ok after ${recoverMs} ms, producers stopped 1 s later, drained in ${drainMs} ms`,
  );

  const elapsed = Math.round((performance.now() - started) / 1000);
  const v = verdict(
    TAG,
    ledger,
    rounds,
    `${ROUNDS} rounds in ${elapsed} s, seed ${SEED}, TCP reconnects ${t.tcpReconnects}`,
  );
  expect(left, "messages left after the drain").toBe(0);
  expect(v).toEqual({ ...v, lost: 0, duplicatedAfterDelete: 0, corrupt: 0, unexpected: 0 });
  expect(v.acknowledged).toBeGreaterThan(0);
  // Nothing waited beyond its own timeout (plus scheduling slack on a loaded machine).
  expect(ledger.maxLatencyMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 3_000);
});
