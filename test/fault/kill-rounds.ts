/**
 * The skeleton the kill fault tests share: the service (targets.ts) on free loopback ports, two
 * queues, traffic from a seeded Random into one Ledger, then round after round wait for every
 * client to recover, let traffic run a random while, `kill -9` the victim, wait until it is gone
 * and restart it on the same ports; at the end recover once more, drain the queues, check they
 * stay empty and assert the verdict. afterAll stops whatever the run started.
 */

import type { CmqHttpClient } from "cmq-edge/client";
import { afterAll, expect, it } from "vitest";
import { Ledger, Random } from "./ledger";
import { freePort, httpClient, Sandbox, sleep } from "./processes";
import { leftovers, type RoundLine, roundLine, verdict } from "./report";
import { endpointOf, type Target, type TargetFactory } from "./targets";
import { drain, recovered, Traffic } from "./traffic";

export interface KillRoundsOptions {
  /** Prefix of every log line and of the sandbox directory. */
  tag: string;
  rounds: number;
  seed: number;
  /** What is started, and killed each round (targets.ts). */
  victim: TargetFactory;
  /** Starts the clients that run through every round. */
  startTraffic(traffic: Traffic): void;
  /** Stop the rounds' consumers as well and drain with new HTTP consumers instead. */
  drainOverHttp?: boolean;
  /** Assertions of this test only, after the shared ones. */
  finalChecks?(traffic: Traffic): void;
}

const VISIBILITY_SECONDS = 3;
const REQUEST_TIMEOUT_MS = 5_000;
const QUEUES = ["fault-a", "fault-b"];

/** What the rounds of one run share. */
interface Run {
  readonly o: KillRoundsOptions;
  readonly target: Target;
  readonly admin: CmqHttpClient;
  readonly random: Random;
  readonly ledger: Ledger;
  readonly traffic: Traffic;
  readonly rounds: RoundLine[];
}

/** Declares the test (`rounds` kills of the victim under traffic) and the cleanup after it. */
export function killRounds(o: KillRoundsOptions): void {
  let sandbox: Sandbox | undefined;
  let traffic: Traffic | undefined;

  afterAll(async () => {
    traffic?.closeAll();
    if (!sandbox) return;
    const left = await sandbox.stopAll();
    if (left.length === 0) sandbox.remove();
    else console.log(`[${o.tag}] processes survived; logs kept in ${sandbox.dir}`);
    expect(left, "no wrangler, workerd or bridge process may survive the test").toEqual([]);
  });

  it(`loses no acknowledged message across ${o.rounds} kill -9 of ${o.victim.title}`, {
    timeout: 120_000 + o.rounds * 20_000,
  }, async () => {
    expect(o.rounds).toBeGreaterThan(0);
    const started = performance.now();
    sandbox = new Sandbox(o.tag);
    const run = await startRun(o, sandbox);
    traffic = run.traffic;
    for (let round = 1; round <= o.rounds; round++) await killRound(run, round);
    const left = await drainRound(run);
    const elapsedSeconds = Math.round((performance.now() - started) / 1000);
    assertVerdict(run, left, elapsedSeconds);
  });
}

/** The service up, the queues created, the traffic running. */
async function startRun(o: KillRoundsOptions, box: Sandbox): Promise<Run> {
  const ports = { http: await freePort(), tcp: await freePort() };
  console.log(`[${o.tag}] seed ${o.seed}, ${o.rounds} rounds, sandbox ${box.dir}`);
  const target = o.victim.create(box, ports);
  await target.startAll();
  const endpoint = endpointOf(ports);
  const admin = httpClient(endpoint, 15_000);
  for (const q of QUEUES) await admin.createQueue(q, { visibilityTimeout: VISIBILITY_SECONDS });
  const random = new Random(o.seed);
  const ledger = new Ledger(random);
  const traffic = new Traffic({
    ledger,
    random,
    queues: QUEUES,
    httpEndpoint: endpoint,
    tcpPort: ports.tcp,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    waitSeconds: 1,
  });
  o.startTraffic(traffic);
  return { o, target, admin, random, ledger, traffic, rounds: [] };
}

/** One round: recovery, traffic for a random while, kill -9 of the victim, restart, ready. */
async function killRound(run: Run, round: number): Promise<void> {
  const { o, ledger, random, traffic } = run;
  ledger.round = round;
  const before = ledger.snapshot();
  const reconnects = traffic.tcpReconnects;
  // Every client must have recovered (a request of each succeeded) before the next kill.
  const recoverMs = await recovered(ledger, traffic.names, `before round ${round}`);
  const runMs = random.int(200, 1_800);
  await sleep(runMs);
  const killed = await run.target.kill(round);
  const downMs = random.int(0, 600);
  await sleep(downMs);
  const readyMs = await run.target.restart();
  roundLine(
    o.tag,
    ledger,
    run.rounds,
    before,
    `all clients ok after ${recoverMs} ms (${traffic.tcpReconnects - reconnects} reconnects), ` +
      `killed ${runMs} ms later${killed}, down ${downMs} ms + restart ${readyMs} ms`,
  );
}

/**
 * Recovery after the last restart, then the producers stop and the consumers drain the queues;
 * returns how many messages a last receive still found.
 */
async function drainRound(run: Run): Promise<number> {
  const { o, ledger, traffic } = run;
  ledger.round = o.rounds + 1;
  const before = ledger.snapshot();
  const recoverMs = await recovered(ledger, traffic.names, "after the last restart");
  await sleep(1_000);
  await traffic.stopProducers();
  if (o.drainOverHttp) {
    await traffic.stopConsumers();
    traffic.httpConsumers(2);
  }
  const drainMs = await drain(run.admin, QUEUES, VISIBILITY_SECONDS, 120_000);
  await traffic.stopConsumers();
  const left = await leftovers(ledger, run.admin, QUEUES);
  const how = o.drainOverHttp
    ? "all traffic stopped 1 s later, drained over HTTP"
    : "producers stopped 1 s later, drained";
  roundLine(
    o.tag,
    ledger,
    run.rounds,
    before,
    `all clients ok after ${recoverMs} ms, ${how} in ${drainMs} ms`,
  );
  return left;
}

/** The summary, then the assertions every fault test makes, then the test's own. */
function assertVerdict(run: Run, left: number, elapsedSeconds: number): void {
  const { o, ledger, traffic } = run;
  const v = verdict(
    o.tag,
    ledger,
    run.rounds,
    `${o.rounds} rounds in ${elapsedSeconds} s, seed ${o.seed}, TCP reconnects ${traffic.tcpReconnects}`,
  );
  expect(left, "messages left after the drain").toBe(0);
  expect(v).toEqual({ ...v, lost: 0, duplicatedAfterDelete: 0, corrupt: 0, unexpected: 0 });
  expect(v.acknowledged).toBeGreaterThan(0);
  // Nothing waited beyond its own timeout (plus scheduling slack on a loaded machine).
  expect(ledger.maxLatencyMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 3_000);
  o.finalChecks?.(traffic);
}
