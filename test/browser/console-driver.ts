/**
 * What the console tests start and speak with: a real local Worker served as `npm start` serves
 * it (Miniflare behind the disconnect relay, the console among its assets), Debian's Chromium
 * driven by playwright-core, and helpers named after what a person does on the page.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Locator, type Page, type Request } from "playwright-core";
import { localCredential } from "../../local/local-defaults";
import { type LocalWorker, startMiniflareWorker } from "../../local/local-worker";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The README shows these: each run writes them anew. */
export const SCREENSHOTS = join(ROOT, "docs/screenshots");

/** How long a page may take to show what the Worker has done (pages refresh every 2-3 s). */
export const SHOWN_WITHIN_MS = 20_000;

export interface ConsoleRig {
  worker: LocalWorker;
  browser: Browser;
  page: Page;
  /** Every request the page sent to the Worker's API (not its own files). */
  apiRequests: Request[];
  /** What the page logged as an error or threw: a policy violation, a crash. */
  problems: string[];
  stop(): Promise<void>;
}

export async function startConsoleRig(): Promise<ConsoleRig> {
  const configPath = join(ROOT, "wrangler.toml");
  const worker = await startMiniflareWorker({ configPath });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(SHOWN_WITHIN_MS);
    const apiRequests: Request[] = [];
    page.on("request", (request) => {
      if (!new URL(request.url()).pathname.startsWith("/console")) apiRequests.push(request);
    });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const started = browser;
    return {
      worker,
      browser,
      page,
      apiRequests,
      problems,
      async stop() {
        await started.close();
        await worker.dispose();
      },
    };
  } catch (error) {
    await browser?.close();
    await worker.dispose();
    throw error;
  }
}

export const CREDENTIAL = localCredential();

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`;
}

/** The whole page, or one part of it, as docs/screenshots/<name>.png. */
export async function screenshot(what: Page | Locator, name: string): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  if ("goto" in what) await what.screenshot({ path, fullPage: true });
  else await what.screenshot({ path });
}

/** Resolves once `locator` holds text matching `text`; fails the test after SHOWN_WITHIN_MS. */
export async function shows(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

export function form(page: Page, name: string): Locator {
  return page.getByRole("form", { name });
}

export function region(page: Page, name: string): Locator {
  return page.getByRole("region", { name });
}

/** A queue page's depth card, e.g. "Active". */
export function stat(page: Page, label: string): Locator {
  return page.locator(`[data-stat="${label}"] dd`);
}

/** The cell of `column` (1-based) in the row of the list whose first cell is `name`. */
export function cell(page: Page, table: string, name: string, column: number): Locator {
  return page
    .getByRole("table", { name: table })
    .locator("tbody tr")
    .filter({ has: page.getByRole("link", { name, exact: true }) })
    .locator(`td:nth-child(${column})`);
}

export async function signIn(page: Page, secretKey = CREDENTIAL.secretKey): Promise<void> {
  const signInForm = form(page, "Sign in");
  await signInForm.getByLabel("SecretId").fill(CREDENTIAL.secretId);
  await signInForm.getByLabel("SecretKey").fill(secretKey);
  await signInForm.getByRole("button", { name: "Sign in" }).click();
}

export async function createQueue(page: Page, name: string, trace = true): Promise<void> {
  await page.goto(`${page.url().split("#")[0]}#/queues`);
  const create = form(page, "Create queue");
  await create.getByLabel("New queue name").fill(name);
  await create.getByLabel("trace").setChecked(trace);
  await create.getByRole("button", { name: "Create queue" }).click();
  await shows(create.getByRole("status"), `Created queue ${name}.`);
}

export async function openQueue(page: Page, name: string): Promise<void> {
  await page.goto(`${page.url().split("#")[0]}#/queues/${encodeURIComponent(name)}`);
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await stat(page, "Active").waitFor();
}

/** Sends `body` from the queue page's form; the message id the page reports. */
export async function sendFromPage(page: Page, body: string): Promise<string> {
  const send = form(page, "Send a message");
  await send.getByLabel("Message body").fill(body);
  await send.getByRole("button", { name: "Send" }).click();
  const status = send.getByRole("status");
  await shows(status, /Sent message \d+\./);
  const id = /Sent message (\d+)\./.exec((await status.textContent()) ?? "")?.[1];
  if (!id) throw new Error("the page named no message id");
  return id;
}
