/**
 * `cmq-edge topic …` and `subscription …` as processes: a topic's life, publishing from
 * standard input with tags, and a queue subscription's filter and counters.
 */
import { describe, expect, it } from "vitest";
import { cli, cliJson, jsonLines, unique } from "./run-cli";

describe("cmq-edge topic and subscription", () => {
  it("publishes through a tag-filtered queue subscription, then takes it all down", async () => {
    const topic = unique("t");
    const queue = unique("tq");
    await cliJson(["queue", "create", queue]);
    expect(await cliJson(["topic", "create", topic])).toMatchObject({ topicName: topic });
    const listed = await cliJson<{ topics: { topicName: string }[] }>([
      "topic",
      "list",
      "--search",
      topic,
    ]);
    expect(listed.topics.map((t) => t.topicName)).toEqual([topic]);

    await cliJson([
      "subscription",
      "create",
      topic,
      "s1",
      "--queue",
      queue,
      "--filter-tag",
      "blue",
    ]);
    const subs = await cliJson<{ subscriptions: { subscriptionName: string; endpoint: string }[] }>(
      ["subscription", "list", topic],
    );
    expect(subs.subscriptions).toMatchObject([{ subscriptionName: "s1", endpoint: queue }]);

    const blue = await cli(["topic", "publish", topic, "--tag", "blue", "--batch", "2", "--json"], {
      stdin: "one\ntwo\n",
    });
    expect(jsonLines(blue.stdout)).toHaveLength(2);
    await cli(["topic", "publish", topic, "red one", "--tag", "red"]);
    // Delivery runs from the topic's outbox: wait for the two that match, by long poll.
    const got = jsonLines<{ body: string }>(
      (await cli(["receive", queue, "--max", "2", "--wait", "10", "--delete", "--json"])).stdout,
    );
    const more = jsonLines<{ body: string }>(
      (await cli(["receive", queue, "--wait", "2", "--delete", "--json"])).stdout,
    );
    expect([...got, ...more].map((m) => m.body).sort()).toEqual(["one", "two"]);

    expect(await cliJson(["subscription", "get", topic, "s1"])).toMatchObject({
      subscriptionName: "s1",
      filterTag: ["blue"],
      msgCount: 2,
    });
    await cliJson(["subscription", "set", topic, "s1", "--filter-tag", "green"]);
    expect(await cliJson(["subscription", "get", topic, "s1"])).toMatchObject({
      filterTag: ["green"],
    });
    await cliJson(["subscription", "clear-tags", topic, "s1"]);
    expect(await cliJson(["subscription", "get", topic, "s1"])).toMatchObject({ filterTag: [] });

    const refused = await cli(["topic", "delete", topic]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^cmq-edge: DeleteTopic failed with CMQ code \d+: /);
    await cliJson(["subscription", "delete", topic, "s1"]);
    expect(await cliJson(["topic", "delete", topic])).toEqual({ topicName: topic, deleted: true });
  });

  it("subscription create takes exactly one of --queue and --url", async () => {
    const { code, stderr } = await cli(["subscription", "create", "t", "s"]);
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: "cmq-edge: give one of --queue and --url\n",
    });
  });
});
