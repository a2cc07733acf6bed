/**
 * A button's call: busy while it runs (so a second press cannot send it twice), then either what
 * it did, in a line for the person, or the error as one line with CMQ's code.
 * @module
 */
import { useState } from "preact/hooks";
import { describeError } from "./api";

export interface ActionState {
  busy: boolean;
  /** What the last call did, or why it failed. */
  outcome: { ok: boolean; text: string } | undefined;
  run(call: () => Promise<string | undefined>): Promise<boolean>;
  /** A form's onSubmit that runs `call` instead of the browser's submission. */
  onSubmit(call: () => Promise<string | undefined>): (event: Event) => void;
}

export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionState["outcome"]>(undefined);
  const run = async (call: () => Promise<string | undefined>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const text = await call();
      setOutcome(text ? { ok: true, text } : undefined);
      return true;
    } catch (error) {
      setOutcome({ ok: false, text: describeError(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (call: () => Promise<string | undefined>) => (event: Event) => {
    event.preventDefault();
    void run(call);
  };
  return { busy, outcome, run, onSubmit };
}
