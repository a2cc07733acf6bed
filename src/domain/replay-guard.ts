/**
 * Remembers signed management requests for as long as their Timestamp is acceptable, so a captured
 * one cannot be replayed (sends, publishes, reads and receives are never refused:
 * src/http/replay-policy.ts). The check runs inside the transaction of the object the request
 * targets, which costs one indexed insert instead of an extra round trip to a shared nonce store.
 *
 * A request counts as replayed when its signature was seen before. The signature covers the Nonce,
 * the Timestamp and every parameter; keying on it (not on the Nonce alone) matters because SDKs
 * draw Nonces from ranges as small as 0–9999 (cmq-api-http.md §2.1), where different requests
 * would collide within minutes. Identical ones from such SDKs still collide within a second.
 * @module
 */
import { fail } from "./errors";
import { CHORE_CHUNK_ROWS } from "./limits";
import type { SqlPort } from "./sql";

/** Identifies one signed request: a 53-bit digest of its signature and when it stops being valid. */
export interface RequestStamp {
  key: number;
  expiresAt: number;
}

export const SEEN_REQUEST_TABLE = [
  "CREATE TABLE seen_request (key INTEGER PRIMARY KEY, expires_at INTEGER NOT NULL)",
  "CREATE INDEX seen_request_by_expiry ON seen_request (expires_at)",
] as const;

/**
 * Records `stamp`; fails with requestReplayed when it was recorded before.
 * In: stamp. Out: a row in seen_request. Fails: requestReplayed (nothing written).
 */
export function recordRequest(sql: SqlPort, stamp: RequestStamp | undefined): void {
  if (!stamp) return;
  const inserted = sql.all(
    "INSERT INTO seen_request (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING key",
    stamp.key,
    stamp.expiresAt,
  );
  if (inserted.length === 0) fail({ kind: "requestReplayed" });
}

/**
 * Forgets `stamp` again: for requests that record it before work spanning several objects (the
 * catalog's create and delete) and then fail. Only a request that took effect may have its
 * identical twin refused as "already executed".
 */
export function forgetRequest(sql: SqlPort, stamp: RequestStamp | undefined): void {
  if (stamp) sql.run("DELETE FROM seen_request WHERE key = ?", stamp.key);
}

/** Forgets up to one chunk of expired stamps; returns true when more remain. */
export function forgetExpiredRequests(sql: SqlPort, now: number): boolean {
  const rows = sql.all(
    `DELETE FROM seen_request WHERE key IN
       (SELECT key FROM seen_request WHERE expires_at < ? ORDER BY expires_at LIMIT ?)
     RETURNING key`,
    now,
    CHORE_CHUNK_ROWS,
  );
  return rows.length === CHORE_CHUNK_ROWS;
}

/** When the oldest remembered stamp expires, or null when none is remembered. */
export function nextRequestExpiry(sql: SqlPort): number | null {
  const row = sql.first<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM seen_request");
  return row?.at ?? null;
}
