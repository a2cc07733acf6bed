/**
 * `npm start` as a user meets it, as a real process: `--help`, a mistyped option, a port already
 * taken (one line naming the port and its holder, no stack trace, nothing left running), and the
 * "TCP listening" line, which must not appear before the bridge accepts connections.
 *
 *   npx vitest run --project local test/local/start.test.ts
 */
import { readFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { join, resolve } from "node:path";
import { Agent, request } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type ProcessGroup, ROOT, Sandbox } from "../fault/processes";

const box = new Sandbox("local-start");
const started: ProcessGroup[] = [];
const STACK_FRAME = /^\s+at\s/m;

afterEach(async () => {
  // Ctrl-C, as a user stops it; then nothing it started may be left.
  for (const group of started.splice(0)) {
    try {
      process.kill(-group.pgid, "SIGINT");
    } catch {
      // Already gone.
    }
    const gone = await group.gone(15_000);
    expect(gone, `left after Ctrl-C: ${group.left().join(", ")}\n${group.tail()}`).toBe(true);
  }
});

afterAll(async () => {
  const left = await box.stopAll();
  expect(left).toEqual([]);
  box.remove();
});

function npmStart(...options: string[]): ProcessGroup {
  const group = box.startNpmStart(options);
  started.push(group);
  return group;
}

/** Waits for the process to exit; returns its exit code and all it printed. */
async function finished(group: ProcessGroup): Promise<{ code: number | null; output: string }> {
  const { child } = group;
  if (child.exitCode === null && child.signalCode === null)
    await new Promise((resolve) => child.once("exit", resolve));
  // The watchdog ends last: wait until nothing of this start is left.
  expect(await group.gone(15_000), `left: ${group.left().join(", ")}`).toBe(true);
  return { code: child.exitCode, output: group.output() };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A loopback listener of this test process on a free port: the holder of a taken port. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return { port: address.port, server };
}

describe("npm start's options", () => {
  it("--help prints every option and exits 0", async () => {
    const { code, output } = await finished(npmStart("--help"));
    expect(code).toBe(0);
    for (const option of ["--http-port", "--tcp-port", "--persist-to", "--help"])
      expect(output).toContain(option);
    expect(output).not.toMatch(STACK_FRAME);
  });

  it.each([
    ["an unknown option", ["--bogus"], "--bogus"],
    ["a port that is not a number", ["--http-port", "eighty"], "--http-port"],
    ["a stray argument", ["now"], "now"],
  ])("%s prints the usage and exits 2", async (_what, options, named) => {
    const { code, output } = await finished(npmStart(...options));
    expect(code).toBe(2);
    expect(output).toContain("Usage: npm start -- [options]");
    expect(output).toMatch(new RegExp(`^cmq-edge: .*${named}`, "m"));
    expect(output).not.toMatch(STACK_FRAME);
  });
});

describe("npm start on a port already taken", () => {
  it.each([
    ["HTTP", "--http-port"],
    ["TCP", "--tcp-port"],
  ])(
    "the %s port: one line naming the port, its holder and what to do; exit 1",
    async (what, flag) => {
      const { port, server } = await holdPort();
      try {
        const other = flag === "--http-port" ? "--tcp-port" : "--http-port";
        const { code, output } = await finished(
          npmStart(flag, String(port), other, "0", "--persist-to", box.persistDir),
        );
        expect(code).toBe(1);
        const about = output.split("\n").filter((l) => l.includes(String(port)));
        // npm echoes the command line first; the rest is the one line about the port.
        const said = about.filter((l) => !l.includes("local/start.ts"));
        expect(said).toHaveLength(1);
        expect(said[0]).toMatch(
          new RegExp(
            `^cmq-edge: ${what} port ${port} is already in use by pid ${process.pid} \\(.+\\): ` +
              `stop it with kill ${process.pid}, or pick another port with ${flag} <port>$`,
          ),
        );
        expect(output).not.toMatch(STACK_FRAME);
      } finally {
        server.close();
      }
    },
  );
});

/** Every port npm start opens, on free ones, so the test collides with nothing running here. */
const FREE_PORTS = [
  ...["--http-port", "0", "--tcp-port", "0"],
  ...["--https-port", "0", "--bridge-metrics-port", "0"],
];

describe("npm start's listening lines", () => {
  it('prints "TCP listening" only once the bridge accepts connections, and where the console is', async () => {
    const group = npmStart(...FREE_PORTS, "--persist-to", box.persistDir);
    const tcp = await group.printed(/^ {2}TCP listening on 127\.0\.0\.1:(\d+) /m);
    // Right when the line is there: a bridge still starting would refuse this.
    expect(await accepts(Number(tcp[1]))).toBe(true);
    const http = await group.printed(/^ {2}HTTP listening on http:\/\/127\.0\.0\.1:(\d+)\//m);
    expect(await accepts(Number(http[1]))).toBe(true);
    // The web console, from the same Worker's static assets.
    const consoleUrl = await group.printed(
      /^ {2}Web console at (http:\/\/127\.0\.0\.1:\d+\/console\/) /m,
    );
    expect(consoleUrl[1]).toBe(`http://127.0.0.1:${http[1]}/console/`);
    const page = await fetch(consoleUrl[1] ?? "");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('src="console.js"');
  });

  it("serves https with the certificate it generated into the state folder, and says how to trust it", async () => {
    const persist = join(box.persistDir, "https-check");
    const group = npmStart(...FREE_PORTS, "--persist-to", persist);
    const https = await group.printed(/^ {2}HTTPS (https:\/\/127\.0\.0\.1:\d+\/) /m);
    const cert = join(persist, "https", "cmq-edge-local.crt");
    const trust = await group.printed(/^ {4}trust it from Node: {2}NODE_EXTRA_CA_CERTS=(\S+) /m);
    expect(resolve(ROOT, trust[1] ?? "")).toBe(cert);
    expect(group.output()).toMatch(/trust it from Java: {2}keytool -importcert/);
    // Trusting that certificate alone is enough: the Worker answers over TLS, API 3.0 included.
    const trusting = new Agent({ connect: { ca: readFileSync(cert, "utf8") } });
    const reply = await request(`${https[1]}console/`, { dispatcher: trusting });
    expect(reply.statusCode).toBe(200);
    expect(await reply.body.text()).toContain('src="console.js"');
    await trusting.close();
  });
});
