/** "New … name" and a Create button, with the caller's own settings between: queues and topics. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useAction } from "../use-action";
import { Outcome } from "./notice";

export function CreateForm(props: {
  kind: "queue" | "topic";
  create(name: string): Promise<unknown>;
  onCreated(): void;
  children?: ComponentChildren;
}) {
  const [name, setName] = useState("");
  const action = useAction();
  const submit = action.onSubmit(async () => {
    const created = name.trim();
    await props.create(created);
    setName("");
    props.onCreated();
    return `Created ${props.kind} ${created}.`;
  });
  return (
    <form class="inline" onSubmit={submit} aria-label={`Create ${props.kind}`}>
      <input
        placeholder={`new ${props.kind} name`}
        aria-label={`New ${props.kind} name`}
        required
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      {props.children}
      <button type="submit" disabled={action.busy}>
        Create {props.kind}
      </button>
      <Outcome outcome={action.outcome} />
    </form>
  );
}
