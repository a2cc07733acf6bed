/**
 * The web console's files under /console, served through the Worker's ASSETS binding by its own
 * route, while every other path, GET or POST, still reaches CMQ's API.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const ORIGIN = "http://127.0.0.1:8787";
const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: "manual", ...init }));

describe("/console", () => {
  it("serves the console's page, script and stylesheet", async () => {
    const page = await fetchWorker("/console/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    // The tab holds a secret key: only the console's own script may run, talking to this Worker.
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="console.js"></script>');
    const script = await fetchWorker("/console/console.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect((await fetchWorker("/console/console.css")).headers.get("content-type")).toMatch(/css/);
  });

  it("sends /console to /console/, where the page's relative links resolve", async () => {
    const response = await fetchWorker("/console");
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location") ?? "", ORIGIN).pathname).toBe("/console/");
  });

  it("answers a missing file with a plain 404, not a CMQ reply", async () => {
    const response = await fetchWorker("/console/no-such-file.js");
    expect(response.status).toBe(404);
  });

  it("leaves every other path to CMQ's API", async () => {
    for (const path of ["/", "/v2/index.php", "/consoles", "/index.html"]) {
      const response = await fetchWorker(path, { method: "POST", body: "Action=ListQueue" });
      expect(await response.json()).toMatchObject({
        code: 4000,
        message: expect.stringContaining("SecretId"),
      });
    }
  });
});
