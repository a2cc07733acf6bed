/**
 * Runs one BridgeCall against the tenant's queue or topic object, turning bigint ids and handles
 * into the protocol's decimal strings and back. No request stamp: the bridge authenticates with its
 * token, and TCP frames carry nothing to detect a replay by.
 * @module
 */
import { parseUint64 } from "../../domain/ids";
import { MAX_BATCH } from "../../domain/limits";
import type { Outcome } from "../../domain/outcome";
import type { ReceivedMessage } from "../../domain/queue/receive";
import type { Receiver } from "../../objects/receiver";
import { authConfig } from "../credentials";
import { verifyTcpAuth } from "../tcp-auth";
import { queueObject, topicObject } from "../tenant";
import type {
  AuthCall,
  BridgeCall,
  BridgeMessage,
  BridgeOutcome,
  BridgeResult,
  CancelReceiveCall,
  ConfirmCall,
  DeleteCall,
  PublishCall,
  ReceiveCall,
  ReturnUnreadCall,
  SendCall,
  TransactionQueriesCall,
} from "./bridge-protocol";

type Answer<Op extends keyof BridgeResult> = Promise<BridgeOutcome<BridgeResult[Op]>>;

const MALFORMED: BridgeOutcome<null> = { ok: false, error: { kind: "receiptHandleMalformed" } };

function ids(outcome: Outcome<bigint[]>): BridgeOutcome<string[]> {
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

async function send(call: SendCall, env: Env): Answer<"send"> {
  const stub = queueObject({ env, appId: call.appId }, call.queue);
  const groups = call.groups.map(({ client, ...group }) => ({
    ...group,
    origin: { via: "tcp" as const, client: client ?? "unknown" },
  }));
  const outcome = await stub.send({ queue: call.queue }, groups);
  return outcome.ok ? { ok: true, value: outcome.value.map(ids) } : outcome;
}

/** The bridge's call is the receiver: it aborts when the bridge gives up on it (client gone). */
async function receive(call: ReceiveCall, env: Env, receiver: Receiver): Answer<"receive"> {
  const stub = queueObject({ env, appId: call.appId }, call.queue);
  const outcome = await stub.receive(
    { queue: call.queue },
    {
      max: call.max,
      waitSeconds: call.waitSeconds,
      visibilityTimeoutSeconds: call.visibilityTimeoutSeconds,
      waiter: call.waiter,
    },
    receiver,
  );
  if (outcome.ok) return { ok: true, value: outcome.value.map(message) };
  // An empty pull is a normal answer here; the bridge gives the TCP client its "no message".
  return outcome.error.kind === "noMessage" ? { ok: true, value: [] } : outcome;
}

async function cancelReceive(call: CancelReceiveCall, env: Env): Answer<"cancelReceive"> {
  await queueObject({ env, appId: call.appId }, call.queue).cancelReceive(call.waiter);
  return { ok: true, value: null };
}

async function returnUnread(call: ReturnUnreadCall, env: Env): Answer<"returnUnread"> {
  const handles = call.handles.flatMap((h) => parseUint64(h) ?? []);
  const outcome = await queueObject({ env, appId: call.appId }, call.queue).returnUnread(
    { queue: call.queue },
    handles,
  );
  return outcome.ok ? { ok: true, value: null } : outcome;
}

async function remove(call: DeleteCall, env: Env): Answer<"delete"> {
  const stub = queueObject({ env, appId: call.appId }, call.queue);
  const handles = call.handles.map(parseUint64);
  const valid = handles.filter((h) => h !== undefined);
  const results: Outcome<void>[] = [];
  // The store deletes up to MAX_BATCH handles per call. At least one call is made, even with no
  // valid handle, so a missing queue is reported as such.
  for (let i = 0; i === 0 || i < valid.length; i += MAX_BATCH) {
    const outcome = await stub.delete({ queue: call.queue }, valid.slice(i, i + MAX_BATCH));
    if (!outcome.ok) return outcome;
    results.push(...outcome.value);
  }
  let next = 0;
  const value = handles.map((handle): BridgeOutcome<null> => {
    if (handle === undefined) return MALFORMED;
    const result: Outcome<void> = results[next++] ?? { ok: false, error: { kind: "internal" } };
    return result.ok ? { ok: true, value: null } : result;
  });
  return { ok: true, value };
}

async function publish(call: PublishCall, env: Env): Answer<"publish"> {
  const stub = topicObject({ env, appId: call.appId }, call.topic);
  const outcome = await stub.publish({ topic: call.topic }, call.groups);
  return outcome.ok ? { ok: true, value: outcome.value.map(ids) } : outcome;
}

async function confirm(call: ConfirmCall, env: Env): Answer<"confirm"> {
  const stub = queueObject({ env, appId: call.appId }, call.queue);
  const items = call.items.map((i) => ({ msgId: parseUint64(i.msgId) ?? 0n, state: i.state }));
  const outcome = await stub.confirm({ queue: call.queue }, items);
  if (!outcome.ok) return outcome;
  return { ok: true, value: outcome.value.map((r) => (r.ok ? { ok: true, value: null } : r)) };
}

async function transactionQueries(
  call: TransactionQueriesCall,
  env: Env,
): Answer<"transactionQueries"> {
  const stub = queueObject({ env, appId: call.appId }, call.queue);
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
      return send(call, env);
    case "receive":
      return receive(call, env, receiver);
    case "cancelReceive":
      return cancelReceive(call, env);
    case "returnUnread":
      return returnUnread(call, env);
    case "delete":
      return remove(call, env);
    case "publish":
      return publish(call, env);
    case "confirm":
      return confirm(call, env);
    case "transactionQueries":
      return transactionQueries(call, env);
  }
}
