/**
 * The web console in a real headless Chromium against a real local Worker, as a person uses it:
 * sign in, create a queue, send and see the depth change, peek, receive and delete, read a
 * trace, edit an attribute, dead-letter and redrive, purge, topics and subscriptions. The tests
 * run in order on one page; each step's screenshot goes to docs/screenshots/ for the README.
 */
import { httpClient } from "cmq-edge/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleRig,
  CREDENTIAL,
  cell,
  createQueue,
  form,
  openQueue,
  region,
  SHOWN_WITHIN_MS,
  screenshot,
  sendFromPage,
  shows,
  signIn,
  startConsoleRig,
  stat,
  uniqueName,
} from "./console-driver";

let rig: ConsoleRig;
beforeAll(async () => {
  rig = await startConsoleRig();
});
afterAll(async () => {
  await rig?.stop();
});

const orders = uniqueName("orders");
const payments = uniqueName("payments");
const dead = uniqueName("payments-dead");
const topicName = uniqueName("order-events");
let sentId = "";

/** The same Worker from Node, for what a person would not do by hand (five dead letters). */
const node = () =>
  httpClient({
    endpoint: `${rig.worker.url}/`,
    credentials: { secretId: CREDENTIAL.secretId, secretKey: CREDENTIAL.secretKey },
  });

describe("the web console", () => {
  it("is served by the Worker at /console while the API still answers beside it", async () => {
    const page = rig.page;
    const response = await page.goto(`${rig.worker.url}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/");
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
    const api = await fetch(`${rig.worker.url}/`, { method: "POST", body: "Action=ListQueue" });
    expect(await api.json()).toMatchObject({ code: 4000 });
    expect((await fetch(`${rig.worker.url}/console/no-such-file.js`)).status).toBe(404);
  });

  it("refuses a wrong key with CMQ's code, signs in with the right one, keeps it for the tab", async () => {
    const page = rig.page;
    await form(page, "Sign in").waitFor();
    await screenshot(page, "sign-in");
    await signIn(page, "not-the-key");
    await shows(page.getByRole("alert"), /ListQueue: \d+ .*authentication failed/);
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    await signIn(page);
    await page.getByRole("heading", { level: 1, name: "Queues" }).waitFor();
    const kept = await page.evaluate("sessionStorage.getItem('cmq-edge-console.credential')");
    expect(JSON.parse(String(kept))).toEqual({
      secretId: CREDENTIAL.secretId,
      secretKey: CREDENTIAL.secretKey,
    });
    // Another tab of the same browser starts signed out: the key was kept for this one only.
    const other = await page.context().newPage();
    await other.goto(page.url());
    await form(other, "Sign in").waitFor();
    await other.close();
  });

  it("creates a queue, sends to it and shows the depth change, on the queue and in the list", async () => {
    const page = rig.page;
    await createQueue(page, orders);
    await shows(cell(page, "Queues", orders, 2), /^0$/);
    await openQueue(page, orders);
    sentId = await sendFromPage(page, "order 1: 2 × espresso");
    await shows(stat(page, "Active"), /^1$/);
    await page.getByRole("link", { name: "Queues", exact: true }).first().click();
    await shows(cell(page, "Queues", orders, 2), /^1$/);
  });

  it("peeks without taking: the message stays visible, never received", async () => {
    const page = rig.page;
    await openQueue(page, orders);
    await sendFromPage(page, "order 2: 1 × flat white");
    await shows(stat(page, "Active"), /^2$/);
    await region(page, "Peek").getByRole("button", { name: "Peek" }).click();
    const peeked = page.getByRole("table", { name: "Peeked messages" }).locator("tbody tr");
    await shows(peeked.first(), "order 1: 2 × espresso");
    expect(await peeked.count()).toBe(2);
    expect(await peeked.first().locator("td").allTextContents()).toEqual([
      sentId,
      "order 1: 2 × espresso",
      "0",
      "visible",
      expect.any(String),
      "Trace",
    ]);
    await shows(stat(page, "Active"), /^2$/);
    expect(await stat(page, "In flight").textContent()).toBe("0");
    await screenshot(page, "queue");
  });

  it("receives a message and deletes it: the depth goes down", async () => {
    const page = rig.page;
    const receive = region(page, "Receive");
    await receive.getByRole("button", { name: "Receive", exact: true }).click();
    const held = page.getByRole("table", { name: "Received messages" }).locator("tbody tr");
    await shows(held.first(), "order 1: 2 × espresso");
    await shows(stat(page, "In flight"), /^1$/);
    await held.first().getByRole("button", { name: "Delete" }).click();
    await shows(receive.getByRole("status"), `Deleted ${sentId}.`);
    await shows(stat(page, "In flight"), /^0$/);
    await shows(stat(page, "Active"), /^1$/);
    // Receive and delete in one press takes the other one.
    await receive.getByRole("button", { name: "Receive and delete" }).click();
    await shows(receive.getByRole("status"), /^Received and deleted \d+\.$/);
    await shows(stat(page, "Active"), /^0$/);
  });

  it("reads a message's trace: sent, delivered, deleted", async () => {
    const page = rig.page;
    const trace = form(page, "Trace a message");
    await trace.getByLabel("Message id").fill(sentId);
    await trace.getByRole("button", { name: "Trace" }).click();
    const events = page.getByRole("list", { name: "Trace events" }).locator("li strong");
    await shows(events.last(), "deleted");
    expect(await events.allTextContents()).toEqual(["sent", "delivered", "deleted"]);
    await screenshot(region(page, "Trace"), "trace");
  });

  it("edits an attribute in place", async () => {
    const page = rig.page;
    const row = page.locator('[data-attribute="visibilityTimeout"]');
    await shows(row, "30 s");
    await row.getByRole("button", { name: "Edit visibilityTimeout" }).click();
    await row.getByRole("spinbutton", { name: "visibilityTimeout" }).fill("120");
    await row.getByRole("button", { name: "Save" }).click();
    await shows(row, "2 min");
    expect((await node().queue(orders).attributes()).visibilityTimeout).toBe(120);
    // Out of range: the Worker refuses, and the page says so with CMQ's code.
    await row.getByRole("button", { name: "Edit visibilityTimeout" }).click();
    await row.getByRole("spinbutton", { name: "visibilityTimeout" }).fill("0");
    await row.getByRole("button", { name: "Save" }).click();
    await shows(region(page, "Attributes").getByRole("alert"), /SetQueueAttributes: \d+ /);
  });

  it("sets a dead-letter policy, and redrives the dead-letter queue with its progress", async () => {
    const page = rig.page;
    await createQueue(page, dead, false);
    await createQueue(page, payments, false);
    await openQueue(page, payments);
    const policy = form(page, "Set dead-letter policy");
    await policy.getByLabel("Dead-letter queue").fill(dead);
    await policy.getByLabel("Policy").selectOption("0");
    await policy.getByLabel("maxReceiveCount").fill("1");
    await policy.getByRole("button", { name: "Save policy" }).click();
    await shows(page.locator(".policy-now"), `After 1 receives, messages move to ${dead}.`);

    // Five messages received once and handed back: the next receive finds them due to move.
    const source = node().queue(payments);
    await source.sendBatch(["p1", "p2", "p3", "p4", "p5"]);
    for (const m of await source.receiveBatch(16)) await m.release();
    expect(await source.receiveBatch(16)).toEqual([]);

    await openQueue(page, dead);
    await shows(stat(page, "Dead-letter"), /^5$/);
    await shows(page.getByRole("list", { name: "Source queues" }), payments);
    const redrive = region(page, "Redrive");
    await redrive.getByLabel("rate (messages/s)").fill("1");
    await redrive.getByRole("button", { name: "Redrive" }).click();
    await shows(redrive.locator('.progress[data-status="running"]'), /of 5 moved back/);
    // For the screenshot, a redrive under way if the page catches one (else the finished one).
    await shows(redrive.locator(".progress"), /[1-4] of 5 moved back|Redrive done/);
    await screenshot(page, "redrive");
    await shows(redrive.locator('.progress[data-status="done"]'), "Redrive done: 5 moved back");
    const progress = redrive.getByLabel("Redrive progress");
    expect(await progress.evaluate((e) => (e as unknown as { value: number }).value)).toBe(1);
    await shows(stat(page, "Dead-letter"), /^0$/);
    await openQueue(page, payments);
    await shows(stat(page, "Active"), /^5$/);
  });

  it("lists the queues with their depth, sortable and searchable", async () => {
    const page = rig.page;
    await page.getByRole("link", { name: "Queues", exact: true }).first().click();
    const names = () =>
      page
        .getByRole("table", { name: "Queues" })
        .locator("tbody tr td:first-child")
        .allTextContents();
    await shows(cell(page, "Queues", payments, 2), /^5$/);
    expect(await names()).toEqual([orders, payments, dead].sort());
    await page.getByRole("button", { name: /^Queue( [▲▼])?$/ }).click();
    expect(await names()).toEqual([orders, payments, dead].sort().reverse());
    // Largest backlog first: Active, pressed twice.
    const active = page.getByRole("button", { name: /^Active( [▲▼])?$/ });
    await active.click();
    await active.click();
    expect((await names())[0]).toBe(payments);
    await page.getByLabel("Search queues").fill("payments");
    expect((await names()).sort()).toEqual([payments, dead].sort());
    await page.getByLabel("Search queues").fill("");
    await screenshot(page, "queues");
  });

  it("purges a queue after a second press", async () => {
    const page = rig.page;
    await openQueue(page, payments);
    const maintenance = region(page, "Maintenance");
    await maintenance.getByRole("button", { name: "Purge…" }).click();
    await maintenance.getByRole("button", { name: "Purge 5 messages now" }).click();
    await shows(maintenance.getByRole("status"), `Purged ${payments}.`);
    await shows(stat(page, "Active"), /^0$/);
    expect((await node().queue(payments).attributes()).activeMsgNum).toBe(0);
  });

  it("rewinds a queue: messages deleted since the time come back, and the charts show them", async () => {
    const page = rig.page;
    const kept = uniqueName("rewound");
    const queue = node().queue(kept);
    await queue.create({ rewindSeconds: 3600 });
    await queue.sendBatch(["r1", "r2", "r3"]);
    for (const m of await queue.receiveBatch(16)) await m.delete();
    await openQueue(page, kept);
    await shows(stat(page, "Active"), /^0$/);
    const maintenance = region(page, "Maintenance");
    // The form starts an hour back, before the queue existed: all three come back.
    await maintenance.getByRole("button", { name: "Rewind" }).click();
    await shows(maintenance.getByRole("status"), /^Rewound to /);
    await shows(stat(page, "Active"), /^3$/);
    expect((await queue.attributes()).activeMsgNum).toBe(3);
    // Both charts draw this minute: uPlot's canvas, with its legend of the series.
    for (const title of ["Depth, last hour", "Per minute, last hour"]) {
      const chart = page.locator("figure", { has: page.getByText(title, { exact: true }) });
      await chart.locator("canvas").first().waitFor();
      await shows(chart, title === "Depth, last hour" ? "messages" : "deleted");
    }
  });

  it("shows topics and subscriptions: filters, endpoints, delivered, pending, the last error", async () => {
    const page = rig.page;
    await page.getByRole("link", { name: "Topics", exact: true }).click();
    const create = form(page, "Create topic");
    await create.getByLabel("New topic name").fill(topicName);
    await create.getByRole("button", { name: "Create topic" }).click();
    await page.getByRole("link", { name: topicName, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: topicName }).waitFor();

    const subscribe = form(page, "Subscribe");
    const addSubscription = async (
      name: string,
      protocol: string,
      endpoint: string,
      tags: string,
    ) => {
      await subscribe.getByLabel("Subscription name").fill(name);
      await subscribe.getByLabel("Protocol").selectOption(protocol);
      await subscribe.getByLabel("Endpoint").fill(endpoint);
      await subscribe.getByLabel("Filter tags").fill(tags);
      await subscribe.getByRole("button", { name: "Subscribe" }).click();
      await shows(subscribe.getByRole("status"), `Subscribed ${name}.`);
    };
    await addSubscription("to-orders", "queue", orders, "paid");
    // Nothing listens on port 9 (discard) of loopback: each delivery fails, and says why.
    await addSubscription("webhook", "http", "http://127.0.0.1:9/hook", "");

    const publish = form(page, "Publish a message");
    await publish.getByLabel("Message body").fill('{"order": 7, "state": "paid"}');
    await publish.getByLabel("Tags").fill("paid");
    await publish.getByRole("button", { name: "Publish" }).click();
    await shows(publish.getByRole("status"), /Published message \d+\./);

    const row = (name: string) =>
      page
        .getByRole("table", { name: "Subscriptions" })
        .locator("tbody tr")
        .filter({ hasText: name });
    await shows(row("to-orders").locator("td:nth-child(5)"), /^1$/);
    expect(await row("to-orders").locator("td:nth-child(3)").textContent()).toBe("tags paid");
    await shows(row("webhook").locator(".delivery-error"), /127\.0\.0\.1:9/);
    expect(await row("webhook").locator("td:nth-child(4)").textContent()).toBe("1");
    await screenshot(page, "topic");
    expect((await node().queue(orders).peek()).map((m) => m.body)).toEqual([
      '{"order": 7, "state": "paid"}',
    ]);

    await page.getByRole("link", { name: "Topics", exact: true }).first().click();
    const topics = page.getByRole("table", { name: "Topics" });
    await shows(
      topics.locator("tbody tr").filter({ hasText: topicName }).locator("td:nth-child(4)"),
      /^2$/,
    );
    await screenshot(page, "topics");
  });

  it("sent only signed requests: the console can do nothing its credential cannot", () => {
    expect(rig.apiRequests.length).toBeGreaterThan(20);
    const unsigned = rig.apiRequests.filter((request) => {
      const tc3 = /^TC3-HMAC-SHA256 Credential=/.test(request.headers().authorization ?? "");
      const api2 = new URLSearchParams(request.postData() ?? "").has("Signature");
      return request.method() !== "POST" || !(tc3 || api2);
    });
    expect(unsigned.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
    expect(rig.apiRequests.some((r) => r.headers()["x-tc-action"] === "ClearCmqQueue")).toBe(true);
  });

  it("ran under its content security policy with nothing refused and no error", () => {
    expect(rig.problems).toEqual([]);
  });

  it(
    "signs out: the key is gone from the tab",
    async () => {
      const page = rig.page;
      await page.getByRole("button", { name: "Sign out" }).click();
      await form(page, "Sign in").waitFor();
      expect(await page.evaluate("sessionStorage.length")).toBe(0);
    },
    SHOWN_WITHIN_MS,
  );
});
