/** A QueueStore on in-memory SQLite with a chosen clock, for domain tests. */
import {
  type DeadLetterPolicy,
  defaultQueueAttributes,
  type QueueAttributes,
} from "../../src/domain/queue/meta";
import { type QueueCall, QueueStore } from "../../src/domain/queue/queue-store";
import type { ReceiveRequest } from "../../src/domain/queue/receive";
import { memorySql } from "../helpers/node-sql";

/** An arbitrary fixed start time (Unix ms): tests move time by adding to it. */
export const T0 = 1_750_000_000_000;

export function newQueue(
  attributes: Partial<QueueAttributes> = {},
  now = T0,
  deadLetterPolicy: DeadLetterPolicy | null = null,
) {
  const sql = memorySql();
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const store = new QueueStore(sql, random);
  store.create(
    {
      name: "q",
      queueId: "queue-test",
      appId: "1250000000",
      shard: 0,
      attributes: { ...defaultQueueAttributes(), ...attributes },
      deadLetterPolicy,
    },
    now,
  );
  const call: QueueCall = { queue: "q" };
  /** Sends one group and returns its ids, failing the test on a refused group. */
  const send = (bodies: string[], at = now, delaySeconds = 0) => {
    const [result] = store.send(call, [{ bodies, delaySeconds }], at);
    if (!result?.ok) throw new Error(`send refused: ${JSON.stringify(result)}`);
    return result.value;
  };
  /** The messages a receive hands out (dead-letter diversions aside). */
  const receive = (request: ReceiveRequest, at: number) =>
    store.receive(call, request, at).messages;
  const rowCount = (table: "message" | "rewindable") =>
    sql.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n ?? 0;
  return { sql, store, call, send, receive, rowCount };
}
