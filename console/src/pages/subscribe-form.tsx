/** Subscribing a queue of the account or an HTTP endpoint to a topic, with its filter. */
import type { NewSubscription, Topic } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { useAction } from "../use-action";

export function SubscribeForm(props: { topic: Topic; filterType: 1 | 2; onChange(): void }) {
  const [name, setName] = useState("");
  const [protocol, setProtocol] = useState<"queue" | "http">("queue");
  const [endpoint, setEndpoint] = useState("");
  const [filter, setFilter] = useState("");
  const [strategy, setStrategy] = useState<NewSubscription["notifyStrategy"]>("BACKOFF_RETRY");
  const action = useAction();
  const submit = action.onSubmit(async () => {
    const words = filter
      .split(",")
      .map((w) => w.trim())
      .filter(Boolean);
    const subscriptionName = name.trim();
    await props.topic.subscribe(subscriptionName, {
      protocol,
      endpoint: endpoint.trim(),
      notifyStrategy: strategy,
      ...(props.filterType === 2 ? { bindingKeys: words } : { filterTags: words }),
    });
    setName("");
    setEndpoint("");
    setFilter("");
    props.onChange();
    return `Subscribed ${subscriptionName}.`;
  });
  return (
    <form class="row wrap" onSubmit={submit} aria-label="Subscribe">
      <input
        aria-label="Subscription name"
        placeholder="subscription name"
        required
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <select
        aria-label="Protocol"
        value={protocol}
        onChange={(e) => setProtocol(e.currentTarget.value === "http" ? "http" : "queue")}
      >
        <option value="queue">to a queue</option>
        <option value="http">to an HTTP endpoint</option>
      </select>
      <input
        aria-label="Endpoint"
        placeholder={protocol === "queue" ? "queue name" : "http://host/path"}
        required
        value={endpoint}
        onInput={(e) => setEndpoint(e.currentTarget.value)}
      />
      <input
        aria-label={props.filterType === 2 ? "Binding keys" : "Filter tags"}
        placeholder={
          props.filterType === 2
            ? "binding keys, e.g. order.*.paid"
            : "filter tags, comma-separated"
        }
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <select
        aria-label="Retry"
        value={strategy}
        onChange={(e) =>
          setStrategy(
            e.currentTarget.value === "EXPONENTIAL_DECAY_RETRY"
              ? "EXPONENTIAL_DECAY_RETRY"
              : "BACKOFF_RETRY",
          )
        }
      >
        <option value="BACKOFF_RETRY">retry 3 × 20 s</option>
        <option value="EXPONENTIAL_DECAY_RETRY">retry with decay, about a day</option>
      </select>
      <button type="submit" disabled={action.busy}>
        Subscribe
      </button>
      <Outcome outcome={action.outcome} />
    </form>
  );
}
