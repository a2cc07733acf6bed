/**
 * A queue's stored metrics (src/domain/queue/metrics.ts): each total rises with the change it
 * counts, the dead-letter count agrees with the rows it counts whatever happens to them, the totals
 * outlive the store that wrote them, and the last hour reads back minute by minute from the ring.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HISTORY_MINUTES, mergeMetrics } from "../../src/domain/queue/metrics";
import { QueueStore } from "../../src/domain/queue/queue-store";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;
const MIN = 60 * S;
/** T0 rounded down to a minute, so tests can name minutes. */
const M0 = Math.floor(T0 / MIN) * MIN;

const letter = (i: number) => ({
  key: `dlq:src:${i}`,
  body: `dead ${i}`,
  origin: { queue: "src", pubTime: M0, dequeueCount: 3 },
});

describe("queue totals", () => {
  it("count sends, receives (each delivery), deletes, expiries and purges", () => {
    const q = newQueue({ visibilityTimeout: 10, msgRetentionSeconds: 600 }, M0);
    q.send(["a", "b", "c"], M0);
    q.send(["d"], M0);
    const [first] = q.receive({ max: 1 }, M0);
    // Not deleted: delivered again after its visibility timeout, counted again.
    q.receive({ max: 1 }, M0 + 11 * S);
    const taken = q.receive({ max: 2 }, M0 + 12 * S);
    const results = q.store.delete(
      q.call,
      [...taken.map((m) => m.receiptHandle), first?.receiptHandle ?? 0n],
      M0 + 13 * S,
    );
    // The first handle is stale (received again since): not a delete.
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    q.store.purge(q.call, M0 + 14 * S);
    q.send(["e", "f"], M0 + 20 * S);
    q.store.chores(M0 + 20 * S + 601 * S);
    expect(q.store.metrics(q.call, M0 + 700 * S, false).totals).toEqual({
      sent: 6,
      received: 4,
      deleted: 2,
      deadLettered: 0,
      expired: 2,
      redriven: 0,
      purged: 2,
    });
  });

  it("count a transaction message as sent when it is committed, not when it is only held", () => {
    const q = newQueue({}, M0);
    const [result] = q.store.send(
      q.call,
      [
        {
          bodies: ["half"],
          delaySeconds: 0,
          transaction: { producer: "p", queryIntervalSeconds: 5 },
        },
      ],
      M0,
    );
    const msgId = result?.ok ? result.value[0] : undefined;
    expect(q.store.metrics(q.call, M0, false).totals.sent).toBe(0);
    q.store.confirm(q.call, [{ msgId: msgId ?? 0n, state: 1 }], M0 + S);
    expect(q.store.metrics(q.call, M0 + S, false).totals.sent).toBe(1);
  });

  it("count dead-letter moves in the source, and a redrive in the dead-letter queue", () => {
    const source = newQueue({ visibilityTimeout: 10 }, M0, {
      deadLetterQueue: "dlq",
      policy: 0,
      maxReceiveCount: 1,
    });
    source.send(["poison"], M0);
    source.receive({ max: 1 }, M0);
    expect(source.store.receive(source.call, { max: 1 }, M0 + 11 * S).deadLettered).toBe(1);
    const batch = source.store.deadLetters(64);
    source.store.movedToDeadLetter(batch?.letters.map((l) => l.seq) ?? [], M0 + 12 * S);
    expect(source.store.metrics(source.call, M0 + 12 * S, false).totals).toMatchObject({
      sent: 1,
      received: 1,
      deadLettered: 1,
    });

    const dlq = newQueue({}, M0);
    dlq.store.acceptHandOff(dlq.call, [letter(1), letter(2)], M0);
    expect(dlq.store.metrics(dlq.call, M0, false).deadLetterMsgNum).toBe(2);
    dlq.store.startRedrive(dlq.call, 100, M0);
    const items = dlq.store.redriveBatch(M0 + S, 64)?.items ?? [];
    dlq.store.redriven(
      items.map((i) => i.seq),
      M0 + S,
    );
    expect(dlq.store.metrics(dlq.call, M0 + S, false)).toMatchObject({
      deadLetterMsgNum: 0,
      totals: { redriven: 2, sent: 0 },
    });
  });

  it("outlive the store that wrote them: they are read back from storage", () => {
    const q = newQueue({}, M0);
    q.send(["a", "b"], M0);
    q.receive({ max: 1 }, M0);
    const reopened = new QueueStore(q.sql);
    expect(reopened.metrics(q.call, M0 + S, false).totals).toMatchObject({ sent: 2, received: 1 });
  });
});

describe("the dead-letter count", () => {
  type Op =
    | { kind: "handOff"; n: number; dead: boolean }
    | { kind: "receive"; n: number }
    | { kind: "deleteReceived" }
    | { kind: "wait"; seconds: number }
    | { kind: "rewind" }
    | { kind: "purge" }
    | { kind: "chores" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("handOff" as const),
      n: fc.integer({ min: 1, max: 5 }),
      dead: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("receive" as const), n: fc.integer({ min: 1, max: 8 }) }),
    fc.constant({ kind: "deleteReceived" as const }),
    fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 200 }) }),
    fc.constant({ kind: "rewind" as const }),
    fc.constant({ kind: "purge" as const }),
    fc.constant({ kind: "chores" as const }),
  );

  it("agrees with the dead letters the queue holds, through deletes, rewinds, expiry and purges", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40, size: "medium" }), (ops) => {
        const q = newQueue(
          { visibilityTimeout: 30, msgRetentionSeconds: 300, rewindSeconds: 300 },
          M0,
        );
        let now = M0;
        let key = 0;
        let handles: bigint[] = [];
        for (const o of ops) {
          if (o.kind === "handOff") {
            const items = Array.from({ length: o.n }, () => {
              key += 1;
              return o.dead ? letter(key) : { key: `plain:${key}`, body: "plain" };
            });
            q.store.acceptHandOff(q.call, items, now);
          } else if (o.kind === "receive") {
            handles = q.receive({ max: o.n }, now).map((m) => m.receiptHandle);
          } else if (o.kind === "deleteReceived") {
            q.store.delete(q.call, handles, now);
          } else if (o.kind === "wait") {
            now += o.seconds * S;
          } else if (o.kind === "rewind") {
            q.store.rewind(q.call, Math.floor(now / S) - 100, now);
          } else if (o.kind === "purge") {
            q.store.purge(q.call, now);
          } else {
            q.store.chores(now);
          }
        }
        // Let every chore finish (rewinds, purges and expiries run in chunks).
        while (q.store.chores(now).more);
        const held = q.sql.first<{ n: number }>(
          "SELECT COUNT(*) AS n FROM message WHERE origin_queue IS NOT NULL",
        )?.n;
        expect(q.store.metrics(q.call, now, false).deadLetterMsgNum).toBe(held);
      }),
      { numRuns: 150 },
    );
  });
});

describe("the last hour", () => {
  it("reads back depth and activity minute by minute, quiet minutes included", () => {
    const q = newQueue({ visibilityTimeout: 30 }, M0);
    q.send(["a"], M0 + 5 * S);
    q.send(["b", "c"], M0 + MIN + 1 * S);
    q.send(["d"], M0 + MIN + 2 * S);
    const taken = q.receive({ max: 2 }, M0 + 3 * MIN);
    q.store.delete(
      q.call,
      taken.map((m) => m.receiptHandle),
      M0 + 3 * MIN + S,
    );
    const history = q.store.metrics(q.call, M0 + 3 * MIN + 30 * S, true).history ?? [];
    expect(history).toHaveLength(HISTORY_MINUTES);
    expect(history.at(-1)?.minute).toBe(M0 + 3 * MIN);
    expect(history.slice(-4)).toEqual([
      { minute: M0, depth: 1, sent: 1, received: 0, deleted: 0 },
      { minute: M0 + MIN, depth: 4, sent: 3, received: 0, deleted: 0 },
      { minute: M0 + 2 * MIN, depth: 4, sent: 0, received: 0, deleted: 0 },
      { minute: M0 + 3 * MIN, depth: 2, sent: 0, received: 2, deleted: 2 },
    ]);
    // Before the queue existed: nothing.
    expect(history[0]).toEqual({
      minute: M0 - (HISTORY_MINUTES - 4) * MIN,
      depth: 0,
      sent: 0,
      received: 0,
      deleted: 0,
    });
  });

  it("writes one ring row a minute, however many changes it has", () => {
    const q = newQueue({}, M0);
    for (let i = 0; i < 50; i++) q.send([`m${i}`], M0 + i * 100);
    const rows = () => q.sql.first<{ n: number }>("SELECT COUNT(*) AS n FROM metric_minute")?.n;
    expect(rows()).toBe(1);
    q.send(["next"], M0 + MIN);
    expect(rows()).toBe(2);
  });

  it("keeps only the last hour: the ring's slots are reused and older minutes drop out", () => {
    const q = newQueue({}, M0);
    for (let minute = 0; minute < 150; minute++) q.send(["x"], M0 + minute * MIN);
    expect(q.sql.first<{ n: number }>("SELECT COUNT(*) AS n FROM metric_minute")?.n).toBe(
      HISTORY_MINUTES,
    );
    const history = q.store.metrics(q.call, M0 + 149 * MIN, true).history ?? [];
    expect(history.map((m) => m.sent)).toEqual(Array(HISTORY_MINUTES).fill(1));
    expect(history.map((m) => m.depth)).toEqual(
      Array.from({ length: HISTORY_MINUTES }, (_, i) => 91 + i),
    );
  });

  it("adds up over shards, minute by minute", () => {
    const a = newQueue({}, M0);
    const b = newQueue({}, M0);
    a.send(["1"], M0);
    b.send(["2", "3"], M0);
    b.send(["4"], M0 + MIN);
    const now = M0 + MIN + S;
    const merged = mergeMetrics([
      a.store.metrics(a.call, now, true),
      b.store.metrics(b.call, now, true),
    ]);
    expect(merged.totals.sent).toBe(4);
    expect(merged.view.activeMsgNum).toBe(4);
    expect(merged.history?.slice(-2)).toEqual([
      { minute: M0, depth: 3, sent: 3, received: 0, deleted: 0 },
      { minute: M0 + MIN, depth: 4, sent: 1, received: 0, deleted: 0 },
    ]);
  });
});
