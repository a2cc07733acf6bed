/**
 * Which subscriptions a published message goes to (cmq-api-http.md §5.13). filterType 1 filters
 * by tags: a subscription without filterTag takes every message; one with filterTag takes a message
 * only when their tags intersect, so an untagged message does not reach it. filterType 2 routes by
 * key: the message's routingKey must match one of the subscription's bindingKeys. Each type ignores
 * the other's fields (the Java SDK's own tests rely on bindingKey being ignored under filterType 1).
 * @module
 */
import { TOPIC_LIMITS } from "../limits";
import { bindingMatches } from "./routing-key";

export type FilterType = 1 | 2;

export interface SubscriptionFilter {
  filterTags: readonly string[];
  bindingKeys: readonly string[];
}

export interface MessageRouting {
  tags: readonly string[];
  routingKey?: string;
}

export function subscriptionMatches(
  filterType: FilterType,
  subscription: SubscriptionFilter,
  message: MessageRouting,
): boolean {
  if (filterType === TOPIC_LIMITS.filterType.routing) {
    const key = message.routingKey;
    return key !== undefined && subscription.bindingKeys.some((b) => bindingMatches(b, key));
  }
  if (subscription.filterTags.length === 0) return true;
  return message.tags.some((tag) => subscription.filterTags.includes(tag));
}
