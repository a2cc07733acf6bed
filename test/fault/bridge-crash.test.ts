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

const ROUNDS = Number(process.env.CMQ_FAULT_BRIDGE_ROUNDS ?? 8);
const SEED = Number(process.env.CMQ_FAULT_SEED ?? Date.now() % 1_000_000);
const VISIBILITY_SECONDS = 3;
const REQUEST_TIMEOUT_MS = 5_000;
const TCP_CLIENTS = 4;
const TAG = "bridge-crash";

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

it(`loses no acknowledged message across ${ROUNDS} kill -9 of the TCP bridge`, {
  timeout: 120_000 + ROUNDS * 20_000,
}, async () => {
  expect(ROUNDS).toBeGreaterThan(0);
  const started = performance.now();
  const box = new Sandbox("bridge");
  sandbox = box;
  const random = new Random(SEED);
  const ledger = new Ledger(random);
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const workerUrl = `http://127.0.0.1:${httpPort}`;
  const endpoint = `${workerUrl}/v2/index.php`;
  console.log(`[${TAG}] seed ${SEED}, ${ROUNDS} rounds, sandbox ${box.dir}`);

  const wrangler = await box.startWrangler(httpPort);
  await waitHttpReady(endpoint, wrangler);
  let bridge: ProcessGroup = box.startBridge(tcpPort, workerUrl);
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
  t.tcpProducers(TCP_CLIENTS / 2);
  t.tcpConsumers(TCP_CLIENTS / 2);

  const rounds: RoundLine[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    ledger.round = round;
    const before = ledger.snapshot();
    const reconnects = t.tcpReconnects;
    // Every TCP client must be connected again and have had a request succeed before the kill.
    const recoverMs = await recovered(ledger, t.names, `before round ${round}`);
    const runMs = random.int(200, 1_800);
    await sleep(runMs);
    bridge.kill9();
    const gone = await bridge.gone(10_000);
    expect(gone, `bridge group ${bridge.pgid} still running after kill -9`).toBe(true);
    const downMs = random.int(0, 600);
    await sleep(downMs);
    bridge = box.startBridge(tcpPort, workerUrl);
    const readyMs = await waitTcpReady(tcpPort, bridge);
    roundLine(
      TAG,
      ledger,
      rounds,
      before,
      `all clients ok after ${recoverMs} ms (${t.tcpReconnects - reconnects} reconnects), ` +
        `killed ${runMs} ms later, down ${downMs} ms + restart ${readyMs} ms`,
    );
  }

  // Recovery after the last restart; then TCP traffic stops and HTTP consumers drain the queues.
  ledger.round = ROUNDS + 1;
  const before = ledger.snapshot();
  const recoverMs = await recovered(ledger, t.names, "after the last restart");
  await sleep(1_000);
  await t.stopProducers();
  await t.stopConsumers();
  t.httpConsumers(2);
  const drainMs = await drain(admin, queues, VISIBILITY_SECONDS, 120_000);
  await t.stopConsumers();
  const left = await leftovers(ledger, admin, queues);
  roundLine(
    TAG,
    ledger,
    rounds,
    before,
    `all clients ok after ${recoverMs} ms, TCP stopped 1 s later, drained over HTTP in ${drainMs} ms`,
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
  // Each kill closed every client's connection, and each client came back with a new one.
  expect(t.tcpReconnects).toBeGreaterThanOrEqual(TCP_CLIENTS * ROUNDS);
  // Nothing waited beyond its own timeout (plus scheduling slack on a loaded machine).
  expect(ledger.maxLatencyMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 3_000);
});
