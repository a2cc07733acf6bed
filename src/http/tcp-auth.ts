/**
 * Verifies a TCP client's CMQ_TCP_AUTH (cmq-api-tcp.md "The auth signature, exactly"):
 * base64(HMAC(secretKey, client_id + secret_id)). Nothing time-bound is signed, so an auth frame
 * can be replayed; the SDK leaves no way to prevent that.
 * @module
 */

import { base64Decode, hashFor, verifyAny } from "../contract/cmq-signature";
import { fail } from "../domain/errors";
import type { AuthConfig } from "./credentials";

export interface TcpAuth {
  secretId: string;
  clientId: string;
  signature: string;
  signatureMethod: string;
}

/** Returns the credential's appId. Fails: unknownSecretId, signatureMismatch. */
export async function verifyTcpAuth(auth: TcpAuth, config: AuthConfig): Promise<string> {
  const credential = config.credentials.get(auth.secretId) ?? fail({ kind: "unknownSecretId" });
  const signature = base64Decode(auth.signature);
  const hash = hashFor(auth.signatureMethod);
  const signed = `${auth.clientId}${auth.secretId}`;
  if (!signature || !(await verifyAny(credential.secretKey, hash, [signed], signature))) {
    fail({ kind: "signatureMismatch" });
  }
  return credential.appId;
}
