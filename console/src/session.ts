/**
 * Sign-in: the credential a person types is kept in this tab's sessionStorage only (gone when the
 * tab closes, never sent anywhere but as signatures), and every call is signed with it in the
 * browser by cmq-edge/client/http, as the SDKs sign theirs: the console holds no other power.
 * @module
 */
import { type CmqClient, type Credentials, httpClient } from "cmq-edge/client/http";

const STORAGE_KEY = "cmq-edge-console.credential";

export function storedCredentials(): Credentials | undefined {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return undefined;
  try {
    const { secretId, secretKey } = JSON.parse(text) as Credentials;
    return typeof secretId === "string" && typeof secretKey === "string"
      ? { secretId, secretKey }
      : undefined;
  } catch {
    return undefined;
  }
}

export function storeCredentials(credentials: Credentials): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function forgetCredentials(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** A client of the Worker that served this page: API 2.0 and API 3.0 both answer at its root. */
export function clientFor(credentials: Credentials): CmqClient {
  // One try per call: a person sees an error at once and presses again, and a retried management
  // call would be refused as a replay anyway.
  return httpClient({ endpoint: `${location.origin}/`, credentials, retry: { attempts: 1 } });
}

/** Proves the credential with a signed call before keeping it: a wrong one says why now. */
export async function signIn(credentials: Credentials): Promise<CmqClient> {
  const client = clientFor(credentials);
  await client.listQueues({ limit: 1 });
  storeCredentials(credentials);
  return client;
}
