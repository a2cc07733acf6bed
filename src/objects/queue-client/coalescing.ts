/**
 * Concurrent requests of one isolate for the same queue object share object calls, as the bridge
 * shares them between TCP frames (src/domain/group-commit.ts): sends, deletes, and receives of what
 * is there now. An object call costs about the same whatever it carries, so under load this is
 * what bounds a queue's rate (bench/README.md). Each request is answered only with its own part,
 * once that part's call has committed; a call that fails as a whole fails each part with its
 * error. Calls that carry a request stamp (management actions) never come here.
 * @module
 */
import { Batcher } from "../../domain/group-commit";
import { MAX_BATCH_BYTES, MAX_COALESCED_DELETE, MAX_COALESCED_RECEIVE } from "../../domain/limits";
import type { Outcome } from "../../domain/outcome";
import type { DeleteItemResult } from "../../domain/queue/delete";
import type { QueueCall } from "../../domain/queue/queue-store";
import type { ReceivedMessage } from "../../domain/queue/receive";
import type { SendGroup } from "../../domain/queue/send";
import type { ReceiveCall } from "../queue-object";
import type { QueueStub } from "./routing";

/** Every part names its own stub: the batch's leader calls through its own, in its own request. */
interface Part {
  stub: QueueStub;
  call: QueueCall;
  /** Keeps the leader's invocation alive while its call runs, should its own client leave. */
  keepAlive?: (work: Promise<unknown>) => void;
}

/** Two calls in flight per object: one being answered while the next gathers. */
const IN_FLIGHT = 2;

/**
 * While a request waits for a call another request makes, a timer of its own shows the runtime
 * it is not hung (a request with nothing pending but such a promise is cancelled as hung).
 */
const LONGEST_CALL_MS = 60_000;
function whileWaiting(): () => void {
  const timer = setTimeout(() => {}, LONGEST_CALL_MS);
  return () => clearTimeout(timer);
}

/** Parts of one call share the object and what the object checks the call by. */
function keyOf(object: string, call: QueueCall, extra = ""): string {
  return `${object}\u0000${call.shards ?? ""}\u0000${extra}`;
}

/** Runs the leader's call, kept alive by the leader's request where it has one. */
function lead<T>(first: Part | undefined, call: (stub: QueueStub) => Promise<T>): Promise<T> {
  if (!first) throw new Error("an empty batch");
  const work = call(first.stub);
  first.keepAlive?.(work);
  return work;
}

/** Splits one call's per-item results back into each part's share, in order. */
function shares<R>(outcome: Outcome<R[]>, sizes: readonly number[]): Outcome<R[]>[] {
  if (!outcome.ok) return sizes.map(() => outcome);
  let offset = 0;
  return sizes.map((n) => {
    const mine = outcome.value.slice(offset, offset + n);
    offset += n;
    return { ok: true, value: mine };
  });
}

interface SendPart extends Part {
  groups: SendGroup[];
}

const sends = new Batcher<SendPart, Outcome<Outcome<bigint[]>[]>>(
  { maxInFlight: IN_FLIGHT, maxItems: 64, maxWeight: MAX_BATCH_BYTES, whileWaiting },
  async (_, parts) => {
    const first = parts[0];
    const groups = parts.flatMap((p) => p.groups);
    const outcome = await lead<Outcome<Outcome<bigint[]>[]>>(first, (stub) =>
      stub.send(first?.call as QueueCall, groups),
    );
    return shares(
      outcome,
      parts.map((p) => p.groups.length),
    );
  },
  (part) => part.groups.reduce((n, g) => n + g.bodies.reduce((m, b) => m + b.length, 0), 0),
);

interface DeletePart extends Part {
  handles: bigint[];
}

const deletes = new Batcher<DeletePart, Outcome<DeleteItemResult[]>>(
  {
    maxInFlight: IN_FLIGHT,
    maxItems: MAX_COALESCED_DELETE,
    maxWeight: MAX_COALESCED_DELETE,
    whileWaiting,
  },
  async (_, parts) => {
    const first = parts[0];
    const handles = parts.flatMap((p) => p.handles);
    const outcome = await lead<Outcome<DeleteItemResult[]>>(first, (stub) =>
      stub.delete(first?.call as QueueCall, handles),
    );
    return shares(
      outcome,
      parts.map((p) => p.handles.length),
    );
  },
  (part) => part.handles.length,
);

interface ReceivePart extends Part {
  request: ReceiveCall;
}

/** Receives without a wait: the messages there now, up to each part's `max`, in order. */
const receives = new Batcher<ReceivePart, Outcome<ReceivedMessage[]>>(
  {
    maxInFlight: IN_FLIGHT,
    maxItems: MAX_COALESCED_RECEIVE,
    maxWeight: MAX_COALESCED_RECEIVE,
    whileWaiting,
  },
  async (_, parts) => {
    const first = parts[0];
    const max = parts.reduce((n, p) => n + p.request.max, 0);
    // No waiter name: a cancel of one part's receive must not end the others'.
    const request = { ...first?.request, max, waitSeconds: 0, waiter: undefined };
    const outcome = await lead<Outcome<ReceivedMessage[]>>(first, (stub) =>
      stub.receive(first?.call as QueueCall, request),
    );
    // Fewer than asked may be there: the earliest parts are served first.
    return shares(
      outcome,
      parts.map((p) => p.request.max),
    );
  },
  (part) => part.request.max,
);

export function coalescedSend(object: string, part: SendPart) {
  return sends.submit(keyOf(object, part.call), part);
}

export function coalescedDelete(object: string, part: DeletePart) {
  return deletes.submit(keyOf(object, part.call), part);
}

export function coalescedReceiveNow(object: string, part: ReceivePart) {
  const visibility = part.request.visibilityTimeoutSeconds ?? "";
  return receives.submit(keyOf(object, part.call, String(visibility)), part);
}
