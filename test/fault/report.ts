/**
 * The end of a fault run shared by both tests: a final empty check, the per-round table and the
 * summary line, and the verdict (lost, duplicated after delete, corrupt, unexpected).
 */
import type { CmqHttpClient } from "cmq-edge/client";
import { type Counters, diff, type Ledger } from "./ledger";

export interface RoundLine {
  round: number;
  counters: Counters;
  line: string;
}

/** Logs a round's line and keeps it for the table at the end. */
export function roundLine(
  tag: string,
  ledger: Ledger,
  rounds: RoundLine[],
  before: Counters,
  what: string,
): void {
  const d = diff(ledger.snapshot(), before);
  const line =
    `[${tag}] round ${ledger.round}: ${what}; acknowledged sends ${d.sendsAcked}, ` +
    `deletes ${d.deletes}, deliveries ${d.deliveries}, unknown sends ${d.sendsUnknown}, ` +
    `errors ${d.errors}`;
  console.log(line);
  rounds.push({ round: ledger.round, counters: d, line });
}

/** With every consumer stopped, one more receive per queue must find nothing. */
export async function leftovers(
  ledger: Ledger,
  client: CmqHttpClient,
  queues: readonly string[],
): Promise<number> {
  let n = 0;
  for (const q of queues) {
    const issuedAt = performance.now();
    const messages = await client.batchReceiveMessage(q, 16, 1);
    for (const m of messages) ledger.delivered(m.msgBody, String(m.msgId), issuedAt);
    n += messages.length;
  }
  return n;
}

export interface Verdict {
  acknowledged: number;
  lost: number;
  duplicatedAfterDelete: number;
  corrupt: number;
  unexpected: number;
}

/** Prints the per-round table and the summary line; returns the figures to assert on. */
export function verdict(
  tag: string,
  ledger: Ledger,
  rounds: readonly RoundLine[],
  extra: string,
): Verdict {
  const lost = ledger.undelivered();
  const count = (kind: string) => ledger.violations.filter((v) => v.kind === kind).length;
  const acked = ledger.ackedByRound();
  const table = [`[${tag}] round | acknowledged | lost | duplicated-after-delete`];
  for (const r of rounds) {
    const lostHere = lost.filter((l) => l.round === r.round).length;
    const dupHere = ledger.violations.filter(
      (v) => v.kind === "duplicated-after-delete" && v.round === r.round,
    ).length;
    table.push(`[${tag}] ${r.round} | ${acked.get(r.round) ?? 0} | ${lostHere} | ${dupHere}`);
  }
  console.log(table.join("\n"));
  const v: Verdict = {
    acknowledged: ledger.counters.sendsAcked,
    lost: lost.length,
    duplicatedAfterDelete: count("duplicated-after-delete"),
    corrupt: count("corrupt"),
    unexpected: count("unexpected"),
  };
  const c = ledger.counters;
  console.log(
    `[${tag}] SUMMARY ${extra}; ` +
      `acknowledged ${v.acknowledged}, lost ${v.lost}, duplicated-after-delete ` +
      `${v.duplicatedAfterDelete}, corrupt ${v.corrupt}, unexpected ${v.unexpected}; ` +
      `unknown sends ${c.sendsUnknown} (stored anyway ${ledger.unknownButStored()}), deliveries ` +
      `${c.deliveries} (redeliveries ${ledger.redeliveries()}, msgId differing from the send's ` +
      `${ledger.foreignMsgIds}), deletes ${c.deletes}, errors ${c.errors}, longest request ` +
      `${Math.round(ledger.maxLatencyMs)} ms`,
  );
  if (c.errors > 0)
    console.log(`[${tag}] most frequent errors:\n  ${ledger.topErrors().join("\n  ")}`);
  for (const violation of ledger.violations.slice(0, 20))
    console.log(
      `[${tag}] VIOLATION ${violation.kind} ${violation.key} (round ${violation.round}): ${violation.detail}`,
    );
  for (const l of lost.slice(0, 20))
    console.log(`[${tag}] LOST ${l.key} (acknowledged in round ${l.round})`);
  return v;
}
