/**
 * The one place a topic reaches out to a subscriber's HTTP endpoint: a POST with a timeout, any
 * 2xx counting as delivered (cmq-api-http.md §7). Redirects are not followed, so an endpoint
 * cannot bounce a push somewhere it was not subscribed to.
 */
import { PUSH_TIMEOUT_MS } from "../domain/limits";
import type { PushRequest } from "../domain/topic/push-format";
import { type ConnectProbe, describePushFailure } from "./push-failure";

export type PushOutcome = { ok: true } | { ok: false; error: string };

export async function postPush(
  url: string,
  push: PushRequest,
  timeoutMs = PUSH_TIMEOUT_MS,
  probe?: ConnectProbe,
): Promise<PushOutcome> {
  // An explicit timer, cleared when the push ends, rather than AbortSignal.timeout: pending timers
  // would keep the object busy long after its deliveries finished.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: push.headers,
      body: push.body,
      redirect: "manual",
      signal: abort.signal,
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const redirect = response.status >= 300 && response.status < 400;
    const note = redirect ? " (redirects are not followed)" : "";
    return { ok: false, error: `endpoint answered HTTP ${response.status}${note}` };
  } catch (e) {
    if (abort.signal.aborted) return { ok: false, error: `timed out after ${timeoutMs} ms` };
    return { ok: false, error: await describePushFailure(e, url, probe) };
  } finally {
    clearTimeout(timer);
  }
}
