/**
 * Tenant isolation of HTTP push subscriptions, both ways round: the other tenant can neither
 * subscribe to nor change a tenant's topic and its HTTP subscription, and a publish to a topic is
 * pushed to its own tenant's endpoint only, even when both tenants have that topic name.
 */

import type { Credentials } from "cmq-edge/client/http";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  appIdOf,
  cmq,
  cmqOk,
  indexed,
  TENANT_A,
  TENANT_B,
  uniqueName,
  withoutRequestId,
} from "./cmq";

interface Push {
  url: string;
  body: string;
}

/** Records every push at the platform boundary (the global fetch) and answers 200. */
function endpoints() {
  const pushes: Push[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    pushes.push({ url: request.url, body: await request.text() });
    return new Response("ok");
  });
  return pushes;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A topic of this tenant's with one HTTP subscription. */
async function topicWithHook(as: Credentials, topicName: string, endpoint: string) {
  await cmqOk("CreateTopic", { topicName }, as);
  const subscription = { topicName, subscriptionName: "hook" };
  await cmqOk("Subscribe", { ...subscription, protocol: "http", endpoint }, as);
  return subscription;
}

/** Resolves once the subscription has delivered `n` messages and has none left to deliver. */
async function delivered(
  as: Credentials,
  sub: { topicName: string; subscriptionName: string },
  n: number,
) {
  await vi.waitFor(
    async () =>
      expect(await cmq("GetSubscriptionAttributes", sub, { credentials: as })).toMatchObject({
        code: 0,
        deliveredMsgNum: n,
        pendingMsgNum: 0,
      }),
    { timeout: 10_000, interval: 20 },
  );
}

describe.each([
  ["A", "B", TENANT_A, TENANT_B],
  ["B", "A", TENANT_B, TENANT_A],
])("tenant %s's HTTP subscription, and tenant %s", (_, __, owner, intruder) => {
  const ownerHook = `http://owner-${appIdOf(owner)}.test/hook`;
  const intruderHook = `http://intruder-${appIdOf(intruder)}.test/hook`;

  it("cannot be subscribed to, changed or removed by the other tenant, and still pushes to its own endpoint", async () => {
    const pushes = endpoints();
    const topicName = uniqueName("push");
    const sub = await topicWithHook(owner, topicName, ownerHook);
    const state = async () =>
      Promise.all([
        cmq("GetTopicAttributes", { topicName }, { credentials: owner }),
        cmq("GetSubscriptionAttributes", sub, { credentials: owner }),
        cmq("ListSubscriptionByTopic", { topicName }, { credentials: owner }),
      ]).then((replies) => replies.map(withoutRequestId));
    const baseline = await state();

    const attempts: [string, Record<string, string | number>, number][] = [
      [
        "Subscribe",
        { topicName, subscriptionName: "tap", protocol: "http", endpoint: intruderHook },
        4440,
      ],
      ["Subscribe", { ...sub, protocol: "http", endpoint: intruderHook }, 4440],
      [
        "SetSubscriptionAttributes",
        { ...sub, notifyStrategy: "EXPONENTIAL_DECAY_RETRY", ...indexed("filterTag", ["x"]) },
        4000,
      ],
      ["ClearSubscriptionFilterTags", sub, 4000],
      ["Unsubscribe", sub, 4440],
      ["SetTopicAttributes", { topicName, maxMsgSize: 1024 }, 4000],
      ["PublishMessage", { topicName, msgBody: "from the intruder" }, 4440],
      ["DeleteTopic", { topicName }, 4440],
    ];
    for (const [action, params, code] of attempts) {
      const reply = await cmq(action, params, { credentials: intruder });
      expect({ action, code: reply.code }).toEqual({ action, code });
      expect(JSON.stringify(reply)).not.toContain(ownerHook);
    }
    expect(await state()).toEqual(baseline);

    await cmqOk("PublishMessage", { topicName, msgBody: "for the owner" }, owner);
    await delivered(owner, sub, 1);
    expect(pushes.map((p) => p.url)).toEqual([ownerHook]);
    expect(JSON.parse(pushes[0]?.body ?? "")).toMatchObject({
      TopicOwner: Number(appIdOf(owner)),
      topicName,
      msgBody: "for the owner",
    });
  });

  it("pushes a publish to the owner's endpoint only when both tenants have the topic name", async () => {
    const pushes = endpoints();
    const topicName = uniqueName("push");
    const ownerSub = await topicWithHook(owner, topicName, ownerHook);
    const intruderSub = await topicWithHook(intruder, topicName, intruderHook);

    await cmqOk("BatchPublishMessage", { topicName, ...indexed("msgBody", ["o1", "o2"]) }, owner);
    await delivered(owner, ownerSub, 2);
    // The intruder's same-named subscription routed nothing and has nothing left to push.
    expect(
      await cmq("GetSubscriptionAttributes", intruderSub, { credentials: intruder }),
    ).toMatchObject({
      code: 0,
      msgCount: 0,
      pendingMsgNum: 0,
      deliveredMsgNum: 0,
    });
    expect(pushes.map((p) => p.url)).toEqual([ownerHook, ownerHook]);
    for (const push of pushes)
      expect(JSON.parse(push.body)).toMatchObject({
        TopicOwner: Number(appIdOf(owner)),
        topicName,
      });

    // And the other way: the intruder's own publish reaches its own endpoint only.
    await cmqOk("PublishMessage", { topicName, msgBody: "i1" }, intruder);
    await delivered(intruder, intruderSub, 1);
    expect(pushes.map((p) => p.url)).toEqual([ownerHook, ownerHook, intruderHook]);
    expect(JSON.parse(pushes[2]?.body ?? "")).toMatchObject({
      TopicOwner: Number(appIdOf(intruder)),
      msgBody: "i1",
    });
    await delivered(owner, ownerSub, 2);
  });
});
