/**
 * Tenant isolation over TCP, both ways round: a connection authenticated as one tenant addresses
 * the other tenant's queue, in-flight handle, half message and topic through a real bridge, and
 * same-named queues of both tenants take concurrent traffic the bridge coalesces per tenant.
 */

import type { CmqHttpClient, TcpClient } from "cmq-edge/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_CREDENTIALS } from "../helpers/test-credentials";
import { rejection } from "./probes";
import { type Stack, startStack } from "./stack";

const [TENANT_A, TENANT_B] = TEST_CREDENTIALS as [
  (typeof TEST_CREDENTIALS)[0],
  (typeof TEST_CREDENTIALS)[0],
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({}, { credentials: TEST_CREDENTIALS });
});
afterAll(async () => {
  await stack?.stop();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

interface Tenant {
  name: string;
  http: CmqHttpClient;
  tcp: TcpClient;
}

async function tenant(name: string, credentials: typeof TENANT_A): Promise<Tenant> {
  const { secretId, secretKey } = credentials;
  return { name, http: stack.httpAs(credentials), tcp: await stack.tcp({ secretId, secretKey }) };
}

describe.each([
  ["A", "B", TENANT_A, TENANT_B],
  ["B", "A", TENANT_B, TENANT_A],
])(
  "tenant %s's queue and topic, and a TCP connection of tenant %s",
  (o, i, ownerKey, intruderKey) => {
    let owner: Tenant;
    let intruder: Tenant;
    beforeAll(async () => {
      [owner, intruder] = await Promise.all([tenant(o, ownerKey), tenant(i, intruderKey)]);
    });

    it("refuses every command on the owner's names with 4440 and changes nothing of the owner's", async () => {
      const queue = stack.name(`tcp-${o}`);
      const topic = stack.name(`tcp-${o}-t`);
      await owner.http.createQueue(queue, { visibilityTimeout: 600 });
      await owner.http.ok("CreateTopic", { topicName: topic });
      const subscription = { topicName: topic, subscriptionName: "s", protocol: "queue" };
      await owner.http.ok("Subscribe", { ...subscription, endpoint: queue });
      const bodies = [`${o}-private-1`, `${o}-private-2`];
      await owner.tcp.batchSend(queue, bodies);
      const inFlight = await owner.tcp.pull(queue, 0);
      const [half] = await owner.tcp.sendTransaction(queue, [`${o}-half`], 3600);
      if (!inFlight || half === undefined) throw new Error("the owner's queue is not set up");
      const state = async () => {
        const replies = await Promise.all([
          owner.http.ok("GetQueueAttributes", { queueName: queue }),
          owner.http.ok("GetTopicAttributes", { topicName: topic }),
        ]);
        return replies.map(({ requestId: _, ...rest }) => rest);
      };
      const baseline = await state();
      expect(baseline[0]).toMatchObject({ activeMsgNum: 1, inactiveMsgNum: 1 });

      const { tcp } = intruder;
      const attempts: [string, () => Promise<unknown>][] = [
        ["send", () => tcp.send(queue, "intruder")],
        ["batch send", () => tcp.batchSend(queue, ["i1", "i2"])],
        ["transaction send", () => tcp.sendTransaction(queue, ["i-half"], 5)],
        ["pull", () => tcp.pull(queue, 0)],
        // A long poll must be refused at once, not park on the owner's queue.
        ["long-poll pull", () => tcp.pull(queue, 20)],
        ["batch pull", () => tcp.batchPull(queue, 16, 0)],
        ["delete of the owner's in-flight handle", () => tcp.delete(queue, inFlight.receiptHandle)],
        ["batch delete of it", () => tcp.batchDelete(queue, [inFlight.receiptHandle])],
        [
          "commit of the owner's half message",
          () => tcp.confirm(queue, [{ msgId: half, state: 1 }], false),
        ],
        ["publish", () => tcp.publish(topic, "intruder")],
        ["batch publish", () => tcp.batchPublish(topic, ["i1", "i2"])],
      ];
      for (const [what, attempt] of attempts) {
        expect({ what, result: (await rejection(attempt())).result }).toEqual({
          what,
          result: 4440,
        });
      }
      expect(await state()).toEqual(baseline);

      // Everything of the owner's still works for the owner.
      await owner.tcp.delete(queue, inFlight.receiptHandle);
      expect(await owner.tcp.confirm(queue, [{ msgId: half, state: 2 }], false)).toEqual([
        { msgId: half, state: 2 },
      ]);
      const left = await owner.tcp.batchPull(queue, 16, 0);
      expect(left.map((m) => text(m.body))).toEqual([bodies[1]]);
    });

    it("keeps same-named queues apart under concurrent traffic the bridge coalesces", async () => {
      const queue = stack.name("both");
      await Promise.all([owner.http.createQueue(queue), intruder.http.createQueue(queue)]);
      const of = (t: Tenant) => Array.from({ length: 24 }, (_, n) => `${t.name}-${queue}-${n}`);
      await Promise.all(
        [owner, intruder].flatMap((t) => of(t).map((body) => t.tcp.send(queue, body))),
      );
      for (const t of [owner, intruder]) {
        const attrs = await t.http.ok("GetQueueAttributes", { queueName: queue });
        expect({ tenant: t.name, active: attrs.activeMsgNum }).toEqual({
          tenant: t.name,
          active: 24,
        });
      }
      // Concurrent pulls of both tenants on the one name: each gets its own messages only.
      const pulls = await Promise.all(
        [owner, intruder].map((t) =>
          Promise.all([
            ...Array.from({ length: 8 }, () => t.tcp.pull(queue, 0)),
            t.tcp.batchPull(queue, 16, 0),
          ]),
        ),
      );
      [owner, intruder].forEach((t, n) => {
        const got = (pulls[n] ?? []).flat().flatMap((m) => (m ? [text(m.body)] : []));
        expect(got.length).toBeGreaterThan(0);
        for (const body of got) expect(of(t)).toContain(body);
      });
    });
  },
);
