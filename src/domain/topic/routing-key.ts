/**
 * Routing keys and binding keys (cmq-api-http.md §5.13): dot-separated words; in a binding key `*`
 * stands for exactly one word and `#` for zero or more. `1.#.0` matches `1.2.3.0` and `1.0`.
 * @module
 */
import { type CmqErrorData, fail } from "../errors";
import { SUBSCRIPTION_LIMITS } from "../limits";
import { utf8Length } from "../utf8";

type KeyKind = "bindingKey" | "routingKey";

function problem(what: KeyKind, value: string): string | undefined {
  if (value.length === 0) return "empty";
  if (utf8Length(value) > SUBSCRIPTION_LIMITS.routingKeyBytes) {
    return `longer than ${SUBSCRIPTION_LIMITS.routingKeyBytes} bytes`;
  }
  const words = value.split(".");
  if (words.length - 1 > SUBSCRIPTION_LIMITS.routingKeyDots) {
    return `more than ${SUBSCRIPTION_LIMITS.routingKeyDots} dots`;
  }
  for (const word of words) {
    if (word.length === 0) return "empty word between dots";
    const wildcard = word.includes("*") || word.includes("#");
    if (!wildcard) continue;
    if (what === "routingKey") return "a routing key cannot hold * or #";
    if (word !== "*" && word !== "#") return `${word}: * and # must stand alone between dots`;
  }
  return undefined;
}

/** Fails with invalidRoutingKey when `value` is not a well-formed key of its kind. */
export function checkKey(what: KeyKind, value: string): void {
  const reason = problem(what, value);
  if (reason) fail({ kind: "invalidRoutingKey", what, value, reason } satisfies CmqErrorData);
}

function matchWords(
  pattern: readonly string[],
  key: readonly string[],
  p: number,
  k: number,
): boolean {
  if (p === pattern.length) return k === key.length;
  const word = pattern[p];
  if (word === "#") {
    for (let skip = k; skip <= key.length; skip++) {
      if (matchWords(pattern, key, p + 1, skip)) return true;
    }
    return false;
  }
  if (k === key.length) return false;
  return (word === "*" || word === key[k]) && matchWords(pattern, key, p + 1, k + 1);
}

/** Whether a (well-formed) binding key matches a (well-formed) routing key. */
export function bindingMatches(bindingKey: string, routingKey: string): boolean {
  return matchWords(bindingKey.split("."), routingKey.split("."), 0, 0);
}
