/**
 * Model-based check of the queue store: random sequences of sends, receives, deletes (with current
 * and stale handles), clock advances, chores and rewinds, compared after every step with what the
 * tables hold and with a ledger of what clients were told.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;

type Command =
  | { op: "send"; count: number; delay: number }
  | { op: "receive"; max: number }
  | { op: "delete"; pick: number; stale: boolean }
  | { op: "advance"; ms: number }
  | { op: "chores" }
  | { op: "rewind"; back: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constant("send" as const),
    count: fc.integer({ min: 1, max: 16 }),
    delay: fc.constantFrom(0, 0, 3, 8),
  }),
  fc.record({ op: fc.constant("receive" as const), max: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("delete" as const), pick: fc.nat(), stale: fc.boolean() }),
  fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 7000 }) }),
  fc.record({ op: fc.constant("chores" as const) }),
  fc.record({ op: fc.constant("rewind" as const), back: fc.integer({ min: 0, max: 40 }) }),
);

describe("queue store model", () => {
  it("keeps counters exact, loses nothing, and never re-delivers a deleted or still-invisible message", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), (commands) => {
        const q = newQueue({ visibilityTimeout: 5, msgRetentionSeconds: 60, rewindSeconds: 60 });
        let now = T0;
        const enqueuedAt = new Map<bigint, number>();
        const deleted = new Set<bigint>();
        const invisibleUntil = new Map<bigint, number>();
        const handles: { id: bigint; handle: bigint; current: boolean }[] = [];
        for (const c of commands) {
          if (c.op === "send") {
            for (const id of q.send(
              Array.from({ length: c.count }, () => "m"),
              now,
              c.delay,
            )) {
              enqueuedAt.set(id, now);
            }
          } else if (c.op === "receive") {
            for (const m of q.receive({ max: c.max }, now)) {
              expect(deleted.has(m.msgId)).toBe(false);
              expect(now).toBeGreaterThanOrEqual(invisibleUntil.get(m.msgId) ?? 0);
              expect(now - (enqueuedAt.get(m.msgId) ?? Number.NaN)).toBeLessThanOrEqual(60 * S);
              invisibleUntil.set(m.msgId, m.nextVisibleTime);
              for (const h of handles) if (h.id === m.msgId) h.current = false;
              handles.push({ id: m.msgId, handle: m.receiptHandle, current: true });
            }
          } else if (c.op === "delete" && handles.length > 0) {
            const pool = handles.filter((h) => h.current !== c.stale);
            const h = pool[c.pick % Math.max(pool.length, 1)];
            if (h) {
              const [result] = q.store.delete(q.call, [h.handle], now);
              const valid = h.current && now < (invisibleUntil.get(h.id) ?? 0);
              expect(result?.ok).toBe(valid);
              if (valid) {
                deleted.add(h.id);
                h.current = false;
              }
            }
          } else if (c.op === "advance") {
            now += c.ms;
          } else if (c.op === "chores") {
            q.store.chores(now);
          } else if (c.op === "rewind") {
            const start = Math.floor(now / S) - c.back;
            q.store.rewind(q.call, start, now);
            // Everything enqueued from the start time is deliverable again, deleted or not.
            for (const [id, at] of enqueuedAt) {
              if (at < start * S) continue;
              deleted.delete(id);
              invisibleUntil.delete(id);
              for (const h of handles) if (h.id === id) h.current = false;
            }
          }
          const view = q.store.attributes(q.call, now);
          const rows = q.sql.all<{ visible_at: number; dequeue_count: number }>(
            "SELECT visible_at, dequeue_count FROM message",
          );
          expect(view.activeMsgNum).toBe(rows.filter((r) => r.visible_at <= now).length);
          expect(view.delayMsgNum).toBe(
            rows.filter((r) => r.visible_at > now && r.dequeue_count === 0).length,
          );
          expect(view.inactiveMsgNum).toBe(
            rows.filter((r) => r.visible_at > now && r.dequeue_count > 0).length,
          );
          expect(view.rewindMsgNum).toBe(q.rowCount("rewindable"));
        }
        // Nothing acknowledged is lost: every sent message is deleted, still stored, or expired.
        const stored = new Set(
          q.sql
            .all<{ seq: number }>("SELECT seq FROM message UNION ALL SELECT seq FROM rewindable")
            .map((r) => BigInt(r.seq)),
        );
        for (const [id, at] of enqueuedAt) {
          const expired = now - at >= 60 * S;
          expect(deleted.has(id) || stored.has(id) || expired).toBe(true);
        }
      }),
      { numRuns: 300, seed: 20261125 },
    );
  }, 60_000);
});
