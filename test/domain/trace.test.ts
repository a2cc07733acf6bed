import { describe, expect, it } from "vitest";
import { newQueue, T0 } from "./queue-fixture";

const S = 1000;
const http = { via: "http" as const, client: "SDK_Python_1.3" };

function traced(
  extra: Parameters<typeof newQueue>[0] = {},
  policy: Parameters<typeof newQueue>[2] = null,
) {
  return newQueue({ trace: 1, visibilityTimeout: 10, ...extra }, T0, policy);
}

const events = (q: ReturnType<typeof newQueue>, id: bigint) =>
  q.store.trace(q.call, id).map((e) => [e.at, e.event, e.detail]);

describe("message trace", () => {
  it("records sent, each delivery with its handle, and deleted", () => {
    const q = traced();
    const [result] = q.store.send(q.call, [{ bodies: ["m"], delaySeconds: 0, origin: http }], T0);
    const id = result?.ok ? (result.value[0] ?? 0n) : 0n;
    const [first] = q.receive({ max: 1 }, T0 + S);
    const [second] = q.receive({ max: 1 }, T0 + 11 * S);
    q.store.delete(q.call, [second?.receiptHandle ?? 0n], T0 + 12 * S);
    expect(events(q, id)).toEqual([
      [T0, "sent", http],
      [T0 + S, "delivered", { receiptHandle: first?.receiptHandle.toString(), dequeueCount: 1 }],
      [
        T0 + 11 * S,
        "delivered",
        { receiptHandle: second?.receiptHandle.toString(), dequeueCount: 2 },
      ],
      [T0 + 12 * S, "deleted", {}],
    ]);
  });

  it("records expiry and dead-lettering", () => {
    const q = traced({ msgRetentionSeconds: 60 });
    const [old] = q.send(["old"]);
    q.store.chores(T0 + 61 * S);
    expect(events(q, old ?? 0n).map((e) => e[1])).toEqual(["sent", "expired"]);

    const d = traced({}, { deadLetterQueue: "dlq", policy: 0, maxReceiveCount: 1 });
    const [poison] = d.send(["poison"]);
    d.receive({ max: 1 }, T0);
    d.store.receive(d.call, { max: 1 }, T0 + 10 * S);
    d.store.movedToDeadLetter(d.store.deadLetters(64)?.letters.map((l) => l.seq) ?? [], T0);
    expect(events(d, poison ?? 0n).map((e) => [e[1], e[2]])).toEqual([
      ["sent", {}],
      ["delivered", expect.objectContaining({ dequeueCount: 1 })],
      ["deadLettered", { queue: "dlq" }],
    ]);
  });

  it("records transaction commits", () => {
    const q = traced();
    const tcp = { via: "tcp" as const, client: "10.0.0.1@DEFAULT" };
    const transaction = { producer: "p", queryIntervalSeconds: 5 };
    const [result] = q.store.send(
      q.call,
      [{ bodies: ["t"], delaySeconds: 0, transaction, origin: tcp }],
      T0,
    );
    const id = result?.ok ? (result.value[0] ?? 0n) : 0n;
    q.store.confirm(q.call, [{ msgId: id, state: 1 }], T0 + S);
    expect(events(q, id)).toEqual([
      [T0, "sent", { ...tcp, transaction: 1 }],
      [T0 + S, "committed", {}],
    ]);
  });

  it("records nothing while the trace attribute is 0, and forgets events a day after retention", () => {
    const off = newQueue();
    const [id] = off.send(["quiet"]);
    expect(off.store.trace(off.call, id ?? 0n)).toEqual([]);

    const q = traced({ msgRetentionSeconds: 60 });
    const [kept] = q.send(["m"]);
    const day = 86_400 * S;
    q.store.chores(T0 + 61 * S);
    expect(q.store.trace(q.call, kept ?? 0n).map((e) => e.event)).toEqual(["sent", "expired"]);
    expect(q.store.nextChoreAt(T0 + 61 * S)).toBe(T0 + 60 * S + day);
    q.store.chores(T0 + 62 * S + 60 * S + day);
    expect(q.store.trace(q.call, kept ?? 0n)).toEqual([]);
  });
});
