/**
 * What a subscription may say (cmq-api-http.md §5.8): protocol, endpoint, strategy, format, filter
 * tags and binding keys, each checked and put in canonical form before anything is stored.
 * @module
 */
import { fail } from "../errors";
import { NAME_PATTERN, SUBSCRIPTION_LIMITS } from "../limits";
import { NOTIFY_STRATEGIES, type NotifyStrategy } from "./retry-schedule";
import { checkKey } from "./routing-key";

export const PROTOCOLS = ["http", "queue"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const CONTENT_FORMATS = ["JSON", "SIMPLIFIED"] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];

export const DEFAULT_NOTIFY_STRATEGY: NotifyStrategy = "EXPONENTIAL_DECAY_RETRY";

function pick<T extends string>(choices: readonly T[], value: string): T | undefined {
  return choices.find((c) => c.toLowerCase() === value.toLowerCase());
}

/** Protocols arrive as `http`, `HTTP` or `queue` (docs and SDKs differ in case). */
export function parseProtocol(value: string): Protocol {
  return pick(PROTOCOLS, value) ?? fail({ kind: "unknownProtocol", protocol: value });
}

export function parseNotifyStrategy(value: string): NotifyStrategy {
  return pick(NOTIFY_STRATEGIES, value) ?? fail({ kind: "unknownNotifyStrategy", strategy: value });
}

export function parseContentFormat(value: string): ContentFormat {
  return pick(CONTENT_FORMATS, value) ?? fail({ kind: "unknownContentFormat", format: value });
}

/**
 * Queue subscriptions always receive the raw body (§5.13); the docs forbid JSON for them but the
 * Java SDK sends it and expects success (§9 R4), so it is accepted and stored as SIMPLIFIED.
 */
export function contentFormatFor(
  protocol: Protocol,
  requested: ContentFormat | undefined,
): ContentFormat {
  if (protocol === "queue") return "SIMPLIFIED";
  return requested ?? "JSON";
}

/** An http(s) URL without blanks, or the name of a queue of the same tenant. */
export function checkEndpoint(protocol: Protocol, endpoint: string): void {
  if (protocol === "queue") {
    if (!NAME_PATTERN.test(endpoint))
      fail({ kind: "invalidEndpoint", reason: `${endpoint} is not a queue name` });
    return;
  }
  if (/\s/.test(endpoint)) fail({ kind: "endpointHasBlanks" });
  if (endpoint.length > SUBSCRIPTION_LIMITS.endpointLength) {
    fail({
      kind: "invalidEndpoint",
      reason: `longer than ${SUBSCRIPTION_LIMITS.endpointLength} characters`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    fail({ kind: "invalidEndpoint", reason: `${endpoint} is not an http:// or https:// URL` });
  }
}

function checkTag(name: string, tag: string): void {
  if (tag.length === 0 || tag.length > SUBSCRIPTION_LIMITS.tagLength) {
    fail({
      kind: "parameterOutOfRange",
      name,
      detail: `tag ${JSON.stringify(tag)} must hold 1-${SUBSCRIPTION_LIMITS.tagLength} characters`,
    });
  }
}

export function checkFilterTags(tags: readonly string[]): void {
  if (tags.length > SUBSCRIPTION_LIMITS.tags)
    fail({ kind: "tooManyFilterTags", limit: SUBSCRIPTION_LIMITS.tags });
  for (const tag of tags) checkTag("filterTag", tag);
}

export function checkMessageTags(tags: readonly string[]): void {
  if (tags.length > SUBSCRIPTION_LIMITS.tags)
    fail({ kind: "tooManyMsgTags", limit: SUBSCRIPTION_LIMITS.tags });
  for (const tag of tags) checkTag("msgTag", tag);
}

export function checkBindingKeys(keys: readonly string[]): void {
  if (keys.length > SUBSCRIPTION_LIMITS.bindingKeys) {
    fail({ kind: "tooManyBindingKeys", limit: SUBSCRIPTION_LIMITS.bindingKeys });
  }
  for (const key of keys) checkKey("bindingKey", key);
}
