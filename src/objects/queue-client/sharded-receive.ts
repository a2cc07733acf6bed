/**
 * Receiving from a queue of one or many shards. A receive sweeps the shards from a rotating start
 * without waiting; when all are empty it parks on every shard at once (awaitVisible, which takes
 * nothing) and sweeps again from the first that has a message, cancelling the others. No message
 * is ever taken and then dropped: one taken for a receiver that went away goes back unread.
 * @module
 */
import type { Outcome } from "../../domain/outcome";
import type { QueueCall } from "../../domain/queue/queue-store";
import type { ReceivedMessage } from "../../domain/queue/receive";
import { shardOfHandle } from "../../domain/queue/sharding";
import { clock } from "../clock";
import type { ReceiveCall } from "../queue-object";
import { ok, type ShardRouting } from "./routing";

const NO_MESSAGE: Outcome<never> = { ok: false, error: { kind: "noMessage" } };

/**
 * Receive is replay-safe: no stamp to record. Fails with noMessage when the wait ends empty.
 * For a request (the routing's receiver), what is there now comes in an object call shared with
 * concurrent receives, and only an empty queue is waited on by a call of its own; a wait the
 * request abandons is cancelled on every shard, and messages taken for it after it left go back
 * unread (a vanished client must not hide or dead-letter messages).
 */
export async function receive(
  routing: ShardRouting,
  call: QueueCall,
  request: ReceiveCall,
): Promise<Outcome<ReceivedMessage[]>> {
  const receiver = routing.receiver;
  if (!receiver) return receiveRouted(routing, call, request);
  // The invocation must outlive a client that leaves, or the clean-up below never runs.
  let finished = () => {};
  receiver.waitUntil(new Promise<void>((resolve) => (finished = resolve)));
  const waiter = request.waiter ?? crypto.randomUUID();
  const cancel = () => receiver.waitUntil(cancelReceive(routing, waiter));
  receiver.signal.addEventListener("abort", cancel, { once: true });
  try {
    const outcome = await receiveRouted(routing, call, { ...request, waiter }, receiver.signal);
    if (!outcome.ok || !receiver.signal.aborted) return outcome;
    const handles = outcome.value.map((m) => m.receiptHandle);
    receiver.waitUntil(returnUnread(routing, call, handles));
    return NO_MESSAGE;
  } finally {
    receiver.signal.removeEventListener("abort", cancel);
    finished();
  }
}

/**
 * Ends receive `waiter` on every shard, parked now or arriving later: its receiver went away
 * (a bridge client's connection closed; an HTTP request's signal aborted).
 */
export async function cancelReceive(routing: ShardRouting, waiter: string): Promise<void> {
  await Promise.all(
    Array.from({ length: routing.shards }, (_, shard) => routing.stub(shard).cancelWait(waiter)),
  );
}

/** Gives back messages taken for a receiver that left before its reply did. */
export async function returnUnread(
  routing: ShardRouting,
  call: QueueCall,
  handles: bigint[],
): Promise<Outcome<void>> {
  const outcome = await routing.scatter(handles, shardOfHandle, async (shard, shards, part) => {
    const back = await routing.stub(shard).returnUnread(routing.call(call, shards, false), part);
    return back.ok ? ok(part.map(() => undefined)) : back;
  });
  return outcome.ok ? ok(undefined) : outcome;
}

function receiveRouted(
  routing: ShardRouting,
  call: QueueCall,
  request: ReceiveCall,
  signal?: AbortSignal,
): Promise<Outcome<ReceivedMessage[]>> {
  return routing.routed((shards) => {
    if (shards > 1) return receiveSharded(routing, call, request, shards, signal);
    const one = routing.call(call, 1, false);
    if (!routing.receiver) return routing.stub(0).receive(one, request);
    return receiveOne(routing, one, request);
  });
}

/** What is there now, in a shared call; an empty queue then waited on by a call of its own. */
async function receiveOne(
  routing: ShardRouting,
  call: QueueCall,
  request: ReceiveCall,
): Promise<Outcome<ReceivedMessage[]>> {
  const now = await routing.receiveNowFrom(0, call, request);
  if (now.ok && now.value.length > 0) return now;
  if (!now.ok && now.error.kind !== "noMessage") return now;
  if (request.waitSeconds === 0) return NO_MESSAGE;
  return routing.stub(0).receive(call, request);
}

async function receiveSharded(
  routing: ShardRouting,
  call: QueueCall,
  request: ReceiveCall,
  shards: number,
  signal?: AbortSignal,
): Promise<Outcome<ReceivedMessage[]>> {
  let start = routing.nextRotation() % shards;
  let deadline: number | undefined;
  for (;;) {
    if (signal?.aborted) return NO_MESSAGE;
    const swept = await sweep(routing, call, request, shards, start);
    if (!swept.ok || swept.value.length > 0) return swept;
    const wait =
      deadline === undefined ? request.waitSeconds : Math.max(0, deadline - clock.now()) / 1000;
    if (wait === 0) return NO_MESSAGE;
    const woke = await awaitAny(routing, call, shards, wait, request.waiter);
    if (!woke.ok) return woke;
    deadline ??= woke.value.deadline;
    if (woke.value.shard === null) return NO_MESSAGE;
    start = woke.value.shard;
  }
}

/** Takes what the shards have now, from `start` on, up to `request.max`; never waits. */
async function sweep(
  routing: ShardRouting,
  call: QueueCall,
  request: ReceiveCall,
  shards: number,
  start: number,
): Promise<Outcome<ReceivedMessage[]>> {
  const taken: ReceivedMessage[] = [];
  for (let k = 0; k < shards && taken.length < request.max; k++) {
    const outcome = await routing.receiveNowFrom(
      (start + k) % shards,
      routing.call(call, shards, false),
      {
        ...request,
        max: request.max - taken.length,
      },
    );
    if (outcome.ok) taken.push(...outcome.value);
    // Messages already taken are answered whatever a later shard says.
    else if (outcome.error.kind !== "noMessage") return taken.length > 0 ? ok(taken) : outcome;
  }
  return ok(taken);
}

/**
 * Parks on every shard until one has a visible message (its index), or the wait ends (null);
 * then cancels the others' waits so they free their slots.
 */
async function awaitAny(
  routing: ShardRouting,
  call: QueueCall,
  shards: number,
  waitSeconds: number | undefined,
  waiter?: string,
): Promise<Outcome<{ shard: number | null; deadline: number }>> {
  // A name per round, for cancelling the other shards once one answers; `waiter` ends them all.
  const id = crypto.randomUUID();
  const settled = new Set<number>();
  const waits = Array.from({ length: shards }, async (_, shard) => {
    const outcome = await routing
      .stub(shard)
      .awaitVisible(routing.call(call, shards, false), waitSeconds, id, waiter);
    settled.add(shard);
    return { shard, outcome };
  });
  const first = await firstWhere(waits, (w) => !w.outcome.ok || w.outcome.value.visible);
  await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      settled.has(shard) ? undefined : routing.stub(shard).cancelWait(id),
    ),
  );
  const all = await Promise.all(waits);
  const failed = all.find((w) => !w.outcome.ok);
  if (failed && !failed.outcome.ok) return failed.outcome;
  const deadline = Math.min(...all.map((w) => (w.outcome.ok ? w.outcome.value.deadline : 0)));
  const visible = first?.outcome.ok && first.outcome.value.visible ? first.shard : null;
  return ok({ shard: visible, deadline });
}

/** The first of `promises` to resolve matching `match`; undefined when none does. */
function firstWhere<T>(
  promises: Promise<T>[],
  match: (value: T) => boolean,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    let left = promises.length;
    for (const promise of promises) {
      promise.then((value) => {
        if (match(value)) resolve(value);
        else if (--left === 0) resolve(undefined);
      }, reject);
    }
  });
}
