/** One line saying what a call did or why it failed; tests and people read the same text. */
import { describeError } from "../api";

export function Outcome(props: { outcome: { ok: boolean; text: string } | undefined }) {
  const { outcome } = props;
  if (!outcome) return null;
  return (
    <p class={outcome.ok ? "notice ok" : "notice error"} role={outcome.ok ? "status" : "alert"}>
      {outcome.text}
    </p>
  );
}

export function ErrorLine(props: { error: unknown }) {
  if (props.error === undefined) return null;
  return (
    <p class="notice error" role="alert">
      {describeError(props.error)}
    </p>
  );
}
