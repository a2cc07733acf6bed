/**
 * Sign-in with a secretId and secretKey, proved by one signed call before the console keeps them
 * (this tab only). The key never leaves the browser: requests carry signatures, not the key.
 * @module
 */
import type { CmqClient } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { signIn } from "../session";
import { useAction } from "../use-action";

export function SignIn(props: { onSignedIn(client: CmqClient, secretId: string): void }) {
  const [secretId, setSecretId] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const action = useAction();
  const submit = action.onSubmit(async () => {
    const client = await signIn({ secretId: secretId.trim(), secretKey });
    props.onSignedIn(client, secretId.trim());
    return undefined;
  });
  return (
    <div class="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>cmq-edge console</h1>
        <p class="hint">
          Sign in with a CMQ credential. Every call is signed here in the browser, as the SDKs sign
          theirs; the key stays in this tab and is gone when it closes.
        </p>
        <label>
          SecretId
          <input
            name="secretId"
            autoComplete="username"
            required
            value={secretId}
            onInput={(e) => setSecretId(e.currentTarget.value)}
          />
        </label>
        <label>
          SecretKey
          <input
            name="secretKey"
            type="password"
            autoComplete="current-password"
            required
            value={secretKey}
            onInput={(e) => setSecretKey(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Signing in…" : "Sign in"}
        </button>
        <Outcome outcome={action.outcome} />
      </form>
    </div>
  );
}
