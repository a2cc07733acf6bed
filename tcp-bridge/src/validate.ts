/**
 * Checks a decoded request against CMQ's limits before anything is forwarded, so a bad frame gets
 * an error reply and never reaches storage. Limits come from src/domain/limits.ts, shared with HTTP.
 */
import type { CmqErrorData } from "../../src/domain/errors";
import {
  DELAY_SECONDS,
  MAX_BATCH,
  NAME_PATTERN,
  POLLING_WAIT_SECONDS,
  QUEUE_ATTRIBUTE_LIMITS,
} from "../../src/domain/limits";
import type { TcpRequest } from "./codec/requests";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Message bodies as text: the queue stores UTF-8 text, as the HTTP API does. */
export function bodiesAsText(bodies: readonly Uint8Array[]): string[] | CmqErrorData {
  try {
    return bodies.map((b) => utf8.decode(b));
  } catch {
    return { kind: "bodyNotUtf8" };
  }
}

function outside(value: number, min: number, max: number): boolean {
  return !Number.isInteger(value) || value < min || value > max;
}

/** An optional field's value outside `range`, worded as the HTTP API words it. */
function outOfRange(
  name: string,
  value: number | undefined,
  range: { min: number; max: number },
): CmqErrorData | undefined {
  if (value === undefined || !outside(value, range.min, range.max)) return undefined;
  return {
    kind: "parameterOutOfRange",
    name,
    detail: `${value} is not within ${range.min}-${range.max}`,
  };
}

export function checkRequest(r: TcpRequest): CmqErrorData | undefined {
  switch (r.kind) {
    case "send":
    case "publish": {
      const name = r.kind === "send" ? r.queue : r.topic;
      if (!NAME_PATTERN.test(name))
        return { kind: "invalidName", what: r.kind === "send" ? "queue" : "topic", name };
      if (r.bodies.length === 0 || r.bodies.length > MAX_BATCH) {
        return { kind: "batchSizeOutOfRange", name: "msgBody", max: MAX_BATCH };
      }
      if (r.kind === "send" && outside(r.delaySeconds, DELAY_SECONDS.min, DELAY_SECONDS.max)) {
        return { kind: "delayOutOfRange", max: DELAY_SECONDS.max };
      }
      return undefined;
    }
    case "pull": {
      if (!NAME_PATTERN.test(r.queue)) return { kind: "invalidName", what: "queue", name: r.queue };
      if (outside(r.max, 1, MAX_BATCH))
        return { kind: "batchSizeOutOfRange", name: "num_msg", max: MAX_BATCH };
      return (
        outOfRange("poll_wait_seconds", r.waitSeconds, POLLING_WAIT_SECONDS) ??
        outOfRange(
          "visible_timeout",
          r.visibilityTimeoutSeconds,
          QUEUE_ATTRIBUTE_LIMITS.visibilityTimeout,
        )
      );
    }
    case "delete":
      if (!NAME_PATTERN.test(r.queue)) return { kind: "invalidName", what: "queue", name: r.queue };
      if (r.handles.length === 0 || r.handles.length > MAX_BATCH) {
        return { kind: "batchSizeOutOfRange", name: "receipt_handle_list", max: MAX_BATCH };
      }
      return undefined;
    default:
      return undefined;
  }
}
