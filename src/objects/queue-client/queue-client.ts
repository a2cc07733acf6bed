/**
 * A queue as every caller sees it — HTTP actions (API 2.0 and 3.0), the bridge route, topic
 * deliveries, dead-letter hand-offs and the catalog: one name over `shards` QueueObjects (an
 * attribute of cmq-edge's own, fixed at CreateQueue, default 1), with the same batch-shaped
 * methods as the object itself. Not a Durable Object: a router in front of them.
 *
 * - Sends go to one shard per group, round robin: sends carry no request stamp
 *   (src/http/replay-policy.ts); a stamped one would go where its stamp points, so that a replay
 *   would meet the shard that remembers it. Ids and handles carry their shard
 *   (src/domain/ids.ts), so deletes, confirms and traces go straight to it; hand-offs go to the
 *   shard their key picks. Receives: sharded-receive.ts. Create and delete: lifecycle.ts.
 * - Order: each shard keeps its own order; across shards there is none.
 * @module
 */
import type { Outcome } from "../../domain/outcome";
import type { HandOff } from "../../domain/queue/dead-letter";
import type { DeleteItemResult } from "../../domain/queue/delete";
import type { DeadLetterPolicy, QueueAttributes } from "../../domain/queue/meta";
import { mergeMetrics, type QueueMetrics } from "../../domain/queue/metrics";
import { mergePeeks, type PeekRequest, type PeekResult } from "../../domain/queue/peek";
import type { NewQueue, QueueCall, QueueView } from "../../domain/queue/queue-store";
import type { ReceivedMessage, ReceiveRequest } from "../../domain/queue/receive";
import type { SendGroup } from "../../domain/queue/send";
import {
  type Failed,
  shardOfHandle,
  shardOfHandOffKey,
  shardOfMessageId,
} from "../../domain/queue/sharding";
import type { TraceEntry } from "../../domain/queue/trace";
import type { ConfirmResult } from "../../domain/queue/transaction";
import type { ReceiveCall } from "../queue-object";
import type { Receiver } from "../receiver";
import { createQueue, destroyQueue } from "./lifecycle";
import { ok, ShardRouting } from "./routing";
import { cancelReceive, receive, returnUnread } from "./sharded-receive";

export class QueueClient {
  private readonly routing: ShardRouting;

  /**
   * `receiver`: the request this client serves, if any. Its long polls end when it goes away, and
   * its message calls may share object calls with concurrent requests' (coalescing.ts).
   */
  constructor(env: Env, appId: string, name: string, receiver?: Receiver) {
    this.routing = new ShardRouting(env, appId, name, receiver);
  }

  // --- Messages -------------------------------------------------------------------------------

  async send(call: QueueCall, groups: SendGroup[]): Promise<Outcome<Outcome<bigint[]>[]>> {
    const r = this.routing;
    const stamp = call.stamp;
    return r.scatter(
      groups,
      (_, shards) => (stamp ? stamp.key : r.nextRotation()) % shards,
      (shard, shards, part) => r.sendTo(shard, r.call(call, shards, true), part),
    );
  }

  async delete(call: QueueCall, handles: bigint[]): Promise<Outcome<DeleteItemResult[]>> {
    const r = this.routing;
    return r.scatter(handles, shardOfHandle, (shard, shards, part) =>
      r.deleteFrom(shard, r.call(call, shards, true), part),
    );
  }

  /** The handle names its shard: the change goes straight there. */
  async changeVisibility(
    call: QueueCall,
    handle: bigint,
    seconds: number,
  ): Promise<Outcome<{ nextVisibleTime: number }>> {
    const r = this.routing;
    return r.routed((shards) =>
      r
        .stub(shardOfHandle(handle, shards))
        .changeVisibility(r.call(call, shards, false), handle, seconds),
    );
  }

  /** Every shard's first messages, merged into the order of their visibility. */
  async peek(call: QueueCall, request: PeekRequest): Promise<Outcome<PeekResult>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      const answers = await r.everyShard(shards, (shard) =>
        r.stub(shard).peek(r.call(call, shards, false), request),
      );
      return answers.ok ? ok(mergePeeks(answers.value, request.max)) : answers;
    });
  }

  /**
   * Deletes `handles`, then takes up to `request.max` messages there now (a consumer's step): one
   * object call in one transaction on a queue of one shard, both steps side by side on more.
   */
  async consume(
    call: QueueCall,
    handles: bigint[],
    request: ReceiveRequest,
  ): Promise<Outcome<{ deleted: (DeleteItemResult | Failed)[]; messages: ReceivedMessage[] }>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      if (shards === 1) return r.stub(0).consume(r.call(call, 1, false), handles, request);
      const [deleted, taken] = await Promise.all([
        this.delete(call, handles),
        request.max > 0 ? this.receive(call, { ...request, waitSeconds: 0 }) : ok([]),
      ]);
      if (!deleted.ok) return deleted;
      const messages = taken.ok ? taken.value : [];
      if (!taken.ok && taken.error.kind !== "noMessage") return taken;
      return ok({ deleted: deleted.value, messages });
    });
  }

  /** See sharded-receive.ts: long polls, and receivers that go away. */
  receive(call: QueueCall, request: ReceiveCall): Promise<Outcome<ReceivedMessage[]>> {
    return receive(this.routing, call, request);
  }

  cancelReceive(waiter: string): Promise<void> {
    return cancelReceive(this.routing, waiter);
  }

  returnUnread(call: QueueCall, handles: bigint[]): Promise<Outcome<void>> {
    return returnUnread(this.routing, call, handles);
  }

  async confirm(
    call: QueueCall,
    items: { msgId: bigint; state: number }[],
  ): Promise<Outcome<ConfirmResult[]>> {
    const r = this.routing;
    return r.scatter(
      items,
      (item, shards) => shardOfMessageId(item.msgId, shards),
      (shard, shards, part) => r.stub(shard).confirm(r.call(call, shards, true), part),
    );
  }

  async transactionQueries(
    call: QueueCall,
    producer: string,
    limit: number,
  ): Promise<Outcome<{ msgIds: bigint[]; pending: number }>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      const answers = await r.everyShard(shards, (shard) =>
        r.stub(shard).transactionQueries(r.call(call, shards, false), producer, limit),
      );
      if (!answers.ok) return answers;
      return ok({
        msgIds: answers.value.flatMap((a) => a.msgIds).slice(0, limit),
        pending: answers.value.reduce((n, a) => n + a.pending, 0),
      });
    });
  }

  async messageTrace(call: QueueCall, msgId: bigint): Promise<Outcome<TraceEntry[]>> {
    const r = this.routing;
    return r.routed((shards) =>
      r.stub(shardOfMessageId(msgId, shards)).messageTrace(r.call(call, shards, false), msgId),
    );
  }

  /** Dead-letter moves and redrives into this queue (src/objects/hand-off-mover.ts). */
  async acceptHandOff(call: QueueCall, items: HandOff[]): Promise<Outcome<void>> {
    const r = this.routing;
    const outcome = await r.scatter(
      items,
      (item, shards) => shardOfHandOffKey(item.key, shards),
      async (shard, shards, part) => {
        const taken = await r.stub(shard).acceptHandOff(r.call(call, shards, false), part);
        return taken.ok ? ok(part.map(() => ok(undefined))) : taken;
      },
    );
    if (!outcome.ok) return outcome;
    // All or nothing for the mover: it retries the whole batch, and each shard dedupes by key.
    return outcome.value.find((r) => !r.ok) ?? ok(undefined);
  }

  // --- The queue ------------------------------------------------------------------------------

  async attributes(call: QueueCall): Promise<Outcome<QueueView>> {
    return this.routing.viewEvery(call, (stub, shardCall) => stub.attributes(shardCall));
  }

  /** Every shard's metrics, added up (src/domain/queue/metrics.ts). */
  async metrics(call: QueueCall, withHistory: boolean): Promise<Outcome<QueueMetrics>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      const each = await r.everyShard(shards, (shard) =>
        r.stub(shard).metrics(r.call(call, shards, shard === 0), withHistory),
      );
      return each.ok ? ok(mergeMetrics(each.value)) : each;
    });
  }

  async setAttributes(
    call: QueueCall,
    patch: Partial<QueueAttributes>,
    policy?: DeadLetterPolicy | null,
  ): Promise<Outcome<QueueView>> {
    return this.routing.viewEvery(call, (stub, shardCall) =>
      stub.setAttributes(shardCall, patch, policy),
    );
  }

  /** Each shard of a dead-letter queue redrives its own messages, at its share of the rate. */
  async startRedrive(call: QueueCall, rate: number): Promise<Outcome<QueueView>> {
    return this.routing.viewEvery(call, (stub, shardCall, shards) =>
      stub.startRedrive(shardCall, Math.ceil(rate / shards)),
    );
  }

  async rewind(call: QueueCall, startSeconds: number): Promise<Outcome<void>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      const done = await r.everyShard(shards, (shard) =>
        r.stub(shard).rewind(r.call(call, shards, shard === 0), startSeconds),
      );
      return done.ok ? ok(undefined) : done;
    });
  }

  /** ClearCmqQueue: every shard purges its messages; the total removed. */
  async purge(call: QueueCall): Promise<Outcome<number>> {
    const r = this.routing;
    return r.routed(async (shards) => {
      const done = await r.everyShard(shards, (shard) =>
        r.stub(shard).purge(r.call(call, shards, shard === 0)),
      );
      return done.ok ? ok(done.value.reduce((n, purged) => n + purged, 0)) : done;
    });
  }

  async exists(): Promise<boolean> {
    return this.routing.stub(0).exists();
  }

  create(queue: Omit<NewQueue, "shard">): Promise<Outcome<QueueView>> {
    return createQueue(this.routing, queue);
  }

  destroy(): Promise<boolean> {
    return destroyQueue(this.routing);
  }
}
