/**
 * Runs one BridgeCall against the tenant's queue or topic object, turning bigint ids and handles
 * into the protocol's decimal strings and back. No request stamp: the bridge authenticates with its
 * token, and TCP frames carry nothing to detect a replay by.
 * @module
 */

import type {
  AuthCall,
  BridgeCall,
  CancelReceiveCall,
  ConfirmCall,
  ConsumeCall,
  DeleteCall,
  PublishCall,
  ReceiveCall,
  ReturnUnreadCall,
  SendCall,
  TransactionQueriesCall,
} from "../../contract/bridge-calls";
import type { BridgeMessage, BridgeResult } from "../../contract/bridge-results";
import type { CmqErrorData } from "../../domain/errors";
import { parseUint64 } from "../../domain/ids";
import { MAX_COALESCED_DELETE } from "../../domain/limits";
import type { Outcome } from "../../domain/outcome";
import type { ReceivedMessage } from "../../domain/queue/receive";
import type { Receiver } from "../../objects/receiver";
import { authConfig } from "../credentials";
import { verifyTcpAuth } from "../tcp-auth";
import { queueObject, topicObject } from "../tenant";

type Answer<Op extends keyof BridgeResult> = Promise<Outcome<BridgeResult[Op]>>;

const MALFORMED: Outcome<null> = { ok: false, error: { kind: "receiptHandleMalformed" } };

function ids(outcome: Outcome<bigint[]>): Outcome<string[]> {
  return outcome.ok ? { ok: true, value: outcome.value.map(String) } : outcome;
}

function message(m: ReceivedMessage): BridgeMessage {
  return {
    msgId: m.msgId.toString(),
    receiptHandle: m.receiptHandle.toString(),
    body: m.body,
    enqueueTime: m.enqueueTime,
    firstDequeueTime: m.firstDequeueTime,
    nextVisibleTime: m.nextVisibleTime,
    dequeueCount: m.dequeueCount,
    ...(m.deadLetter ? { deadLetter: m.deadLetter } : {}),
  };
}

async function auth(call: AuthCall, env: Env): Answer<"auth"> {
  return { ok: true, value: { appId: await verifyTcpAuth(call, authConfig(env)) } };
}

async function send(call: SendCall, env: Env, receiver: Receiver): Answer<"send"> {
  const stub = queueObject({ env, appId: call.appId, receiver }, call.queue);
  const groups = call.groups.map(({ client, ...group }) => ({
    ...group,
    origin: { via: "tcp" as const, client: client ?? "unknown" },
  }));
  const outcome = await stub.send({ queue: call.queue }, groups);
  return outcome.ok ? { ok: true, value: outcome.value.map(ids) } : outcome;
}

/**
 * The bridge's call is the receiver (every call's: message calls may share object calls with
 * concurrent ones). A receive's ends when the bridge gives up on it (its client gone).
 */
async function receive(call: ReceiveCall, env: Env, receiver: Receiver): Answer<"receive"> {
  const stub = queueObject({ env, appId: call.appId, receiver }, call.queue);
  const outcome = await stub.receive(
    { queue: call.queue },
    {
      max: call.max,
      waitSeconds: call.waitSeconds,
      visibilityTimeoutSeconds: call.visibilityTimeoutSeconds,
      waiter: call.waiter,
    },
  );
  if (outcome.ok) return { ok: true, value: outcome.value.map(message) };
  // An empty pull is a normal answer here; the bridge gives the TCP client its "no message".
  return outcome.error.kind === "noMessage" ? { ok: true, value: [] } : outcome;
}

async function consume(call: ConsumeCall, env: Env, receiver: Receiver): Answer<"consume"> {
  const queue = queueObject({ env, appId: call.appId, receiver }, call.queue);
  const request = { max: call.max, visibilityTimeoutSeconds: call.visibilityTimeoutSeconds };
  let messages: BridgeMessage[] = [];
  const deleted = await parsedItems(
    call.handles,
    parseUint64,
    () => MALFORMED,
    async (handles) => {
      const outcome = await queue.consume({ queue: call.queue }, handles, request);
      if (!outcome.ok) return outcome;
      messages = outcome.value.messages.map(message);
      return { ok: true, value: outcome.value.deleted };
    },
  );
  return deleted.ok ? { ok: true, value: { deleted: deleted.value, messages } } : deleted;
}

async function cancelReceive(
  call: CancelReceiveCall,
  env: Env,
  receiver: Receiver,
): Answer<"cancelReceive"> {
  await queueObject({ env, appId: call.appId, receiver }, call.queue).cancelReceive(call.waiter);
  return { ok: true, value: null };
}

async function returnUnread(
  call: ReturnUnreadCall,
  env: Env,
  receiver: Receiver,
): Answer<"returnUnread"> {
  const handles = call.handles.flatMap((h) => parseUint64(h) ?? []);
  const outcome = await queueObject({ env, appId: call.appId, receiver }, call.queue).returnUnread(
    { queue: call.queue },
    handles,
  );
  return outcome.ok ? { ok: true, value: null } : outcome;
}

/** A per-item answer: success, or the item's error. */
type ItemResult = { ok: true } | { ok: false; error: CmqErrorData };

/**
 * Runs `run` on the items that parse, and answers each item that does not with `invalid`: one bad
 * id fails only its own slot. `run` gets every parsed item, and is called even with none, so a
 * missing queue is reported as such.
 */
async function parsedItems<I, T>(
  items: readonly I[],
  parse: (item: I) => T | undefined,
  invalid: (item: I) => Outcome<null>,
  run: (valid: T[]) => Promise<Outcome<ItemResult[]>>,
): Promise<Outcome<Outcome<null>[]>> {
  const parsed = items.map(parse);
  const outcome = await run(parsed.filter((p) => p !== undefined));
  if (!outcome.ok) return outcome;
  let next = 0;
  const value = items.map((item, i): Outcome<null> => {
    if (parsed[i] === undefined) return invalid(item);
    const result = outcome.value[next++] ?? { ok: false, error: { kind: "internal" } };
    return result.ok ? { ok: true, value: null } : result;
  });
  return { ok: true, value };
}

async function remove(call: DeleteCall, env: Env, receiver: Receiver): Answer<"delete"> {
  const stub = queueObject({ env, appId: call.appId, receiver }, call.queue);
  return parsedItems(
    call.handles,
    parseUint64,
    () => MALFORMED,
    async (handles) => {
      const results: Outcome<void>[] = [];
      // The store deletes up to MAX_COALESCED_DELETE handles per call.
      const per = MAX_COALESCED_DELETE;
      for (let i = 0; i === 0 || i < handles.length; i += per) {
        const outcome = await stub.delete({ queue: call.queue }, handles.slice(i, i + per));
        if (!outcome.ok) return outcome;
        results.push(...outcome.value);
      }
      return { ok: true, value: results };
    },
  );
}

async function publish(call: PublishCall, env: Env): Answer<"publish"> {
  const stub = topicObject({ env, appId: call.appId }, call.topic);
  const outcome = await stub.publish({ topic: call.topic }, call.groups);
  return outcome.ok ? { ok: true, value: outcome.value.map(ids) } : outcome;
}

/** An id that is not a uint64 names no transaction message: that item fails, the others go on. */
async function confirm(call: ConfirmCall, env: Env, receiver: Receiver): Answer<"confirm"> {
  const stub = queueObject({ env, appId: call.appId, receiver }, call.queue);
  return parsedItems(
    call.items,
    (item) => {
      const msgId = parseUint64(item.msgId);
      return msgId === undefined ? undefined : { msgId, state: item.state };
    },
    (item) => ({ ok: false, error: { kind: "transactionUnknown", msgId: item.msgId } }),
    (items) => stub.confirm({ queue: call.queue }, items),
  );
}

async function transactionQueries(
  call: TransactionQueriesCall,
  env: Env,
  receiver: Receiver,
): Answer<"transactionQueries"> {
  const stub = queueObject({ env, appId: call.appId, receiver }, call.queue);
  const outcome = await stub.transactionQueries({ queue: call.queue }, call.producer, call.limit);
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    value: { msgIds: outcome.value.msgIds.map(String), pending: outcome.value.pending },
  };
}

/** Object failures come back as `ok: false`; a failed auth throws its CmqError. */
export function runBridgeCall(
  call: BridgeCall,
  env: Env,
  receiver: Receiver,
): Answer<keyof BridgeResult> {
  switch (call.op) {
    case "auth":
      return auth(call, env);
    case "send":
      return send(call, env, receiver);
    case "receive":
      return receive(call, env, receiver);
    case "consume":
      return consume(call, env, receiver);
    case "cancelReceive":
      return cancelReceive(call, env, receiver);
    case "returnUnread":
      return returnUnread(call, env, receiver);
    case "delete":
      return remove(call, env, receiver);
    case "publish":
      return publish(call, env);
    case "confirm":
      return confirm(call, env, receiver);
    case "transactionQueries":
      return transactionQueries(call, env, receiver);
  }
}
