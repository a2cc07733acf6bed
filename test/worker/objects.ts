/** Direct handles on the Durable Objects behind a tenant's queue, for tests that look inside. */
import { env } from "cloudflare:workers";
import { nameKey } from "../../src/domain/catalog/catalog-store";
import { TEST_CREDENTIALS } from "../helpers/test-credentials";

export function queueStub(queueName: string, appId = TEST_CREDENTIALS[0]?.appId ?? "") {
  return env.QUEUE.get(env.QUEUE.idFromName(`${appId}/${nameKey(queueName)}`));
}

/** The number of long-poll receivers parked in the object (private state, read for tests). */
export function parkedReceivers(instance: unknown): number {
  return (instance as { waiters: { size: number } }).waiters.size;
}
