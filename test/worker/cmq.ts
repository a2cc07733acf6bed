/** Speaks the CMQ HTTP API to the Worker under test (exports.default), signed like the SDKs. */
import { env, exports } from "cloudflare:workers";
import {
  type CmqReply,
  type Credentials,
  indexed,
  type SignOptions,
  signedRequest,
} from "cmq-edge/client/http";
import { clock } from "../../src/objects/clock";

export { indexed };

export const ENDPOINT = "http://cmq.test:8787/v2/index.php";
/** As vitest.config.mts configured the Worker (test/helpers/test-credentials.ts). */
const TEST_CREDENTIALS = JSON.parse(env.CMQ_CREDENTIALS ?? "[]") as (Credentials & {
  appId: string;
})[];
export const TENANT_A = TEST_CREDENTIALS[0] as Credentials & { appId: string };
export const TENANT_B = TEST_CREDENTIALS[1] as Credentials;
export const TENANT_A_SECOND_KEY = TEST_CREDENTIALS[2] as Credentials;

export type Reply = CmqReply;

export async function send(request: Request): Promise<{ status: number; body: Reply }> {
  const response = await exports.default.fetch(request);
  return { status: response.status, body: (await response.json()) as Reply };
}

export interface CallOptions extends SignOptions {
  credentials?: Credentials;
  url?: string;
}

/** Calls a CMQ action and returns the JSON reply (the HTTP status is always 200, checked here). */
export async function cmq(
  action: string,
  params: Record<string, string | number> = {},
  options: CallOptions = {},
): Promise<Reply> {
  // Signed by the Worker's clock, which a test may have moved on (test-clock.ts).
  const timestamp = Math.floor(clock.now() / 1000);
  const request = await signedRequest(
    options.url ?? ENDPOINT,
    options.credentials ?? TENANT_A,
    action,
    params,
    { timestamp, ...options },
  );
  const { status, body } = await send(request);
  if (status !== 200) throw new Error(`HTTP ${status} for ${action}`);
  return body;
}

let counter = 0;
/** A queue name no other test uses. */
export function uniqueName(prefix = "q"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createQueue(
  params: Record<string, string | number> = {},
  options: CallOptions = {},
) {
  const queueName = uniqueName();
  const reply = await cmq("CreateQueue", { queueName, ...params }, options);
  if (reply.code !== 0) throw new Error(`CreateQueue failed: ${reply.message}`);
  return queueName;
}

/** The appId a test credential belongs to (its tenant). */
export function appIdOf(credentials: Credentials): string {
  const found = TEST_CREDENTIALS.find((c) => c.secretId === credentials.secretId);
  if (!found) throw new Error(`not a test credential: ${credentials.secretId}`);
  return found.appId;
}

/** Calls an action as this tenant and throws unless its code is 0. */
export async function cmqOk(
  action: string,
  params: Record<string, string | number>,
  credentials: Credentials = TENANT_A,
): Promise<Reply> {
  const reply = await cmq(action, params, { credentials });
  if (reply.code !== 0) throw new Error(`${action}: ${reply.code} ${reply.message}`);
  return reply;
}

/** A reply without its requestId: what two reads of unchanged state must agree on. */
export function withoutRequestId({ requestId: _, ...rest }: Reply) {
  return rest;
}
