/**
 * Real processes for the fault tests: `wrangler dev` (the Worker, on persisted local storage), the
 * TCP bridge (tcp-bridge/src/main.ts) and `npm start` (both, local/start.ts), each in its own
 * process group so `kill -9` of the group takes wrangler's node, esbuild and workerd children with
 * it (workers-toolchain.md), and each with a mark in its environment that all its descendants
 * inherit, so whatever left the group is found too. A Sandbox owns a temporary directory and every
 * group it ever started, and stops and checks them at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CmqHttpClient } from "cmq-edge/client";
import { LOCAL_DEFAULTS_FILE, localCredential, localDefaults } from "../../local/local-defaults";
import { marked } from "../../local/process-marks";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const CREDENTIALS = localCredential();
export const BRIDGE_TOKEN = localDefaults().CMQ_BRIDGE_TOKEN;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A loopback port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A signed HTTP client whose every request is cut off after `timeoutMs`. It never retries: the
 * traffic records each failure in the ledger and decides itself when to try again.
 */
export function httpClient(endpoint: string, timeoutMs: number): CmqHttpClient {
  return new CmqHttpClient({
    endpoint,
    credentials: CREDENTIALS,
    timeoutMs,
    retry: { attempts: 1 },
  });
}

export interface ProcInfo {
  pid: number;
  pgid: number;
  state: string;
  cmd: string;
}

/** Every process on the machine with its group and state, from /proc. */
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      out.push({ pid: Number(entry), state: fields[0] ?? "?", pgid: Number(fields[2]), cmd });
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

/** Processes still running (zombies excluded) in any of these groups. */
export function survivors(pgids: Iterable<number>): ProcInfo[] {
  const groups = new Set(pgids);
  return processes().filter((p) => groups.has(p.pgid) && p.state !== "Z" && p.state !== "X");
}

/** The environment variable that marks every process a ProcessGroup started, and their children. */
const MARK = "CMQ_FAULT_PROCESS";

export class ProcessGroup {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly pgid: number,
    readonly logPath: string,
    /** `MARK=…`, in the environment of each of its processes. */
    readonly mark: string,
  ) {}

  static start(
    name: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; logPath: string },
  ): ProcessGroup {
    const log = openSync(options.logPath, "a");
    // The log file's path is unique to this start.
    const mark = `${MARK}=${options.logPath}`;
    try {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...options.env, [MARK]: options.logPath },
        // Its own process group (pgid = its pid), so the whole tree can be signalled at once.
        detached: true,
        stdio: ["ignore", log, log],
      });
      if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
      child.on("error", () => {});
      return new ProcessGroup(name, child, child.pid, options.logPath, mark);
    } finally {
      closeSync(log);
    }
  }

  /** `kill -9 -<pgid>`: the whole group, no chance to clean up. */
  kill9(): void {
    try {
      process.kill(-this.pgid, "SIGKILL");
    } catch {
      // ESRCH: already gone.
    }
  }

  /** `kill -9` of the group and of every marked process outside it: the end of a test. */
  killAll(): void {
    this.kill9();
    for (const pid of marked(this.mark)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
  }

  /** Its processes still running: in its group, or elsewhere with its mark. */
  left(): number[] {
    return [...new Set([...survivors([this.pgid]).map((p) => p.pid), ...marked(this.mark)])];
  }

  /** Waits until nothing it started runs any more; false when `ms` passed first. */
  async gone(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.left().length === 0) return true;
      await sleep(25);
    }
    return this.left().length === 0;
  }

  /** Everything it printed so far (stdout and stderr). */
  output(): string {
    try {
      return readFileSync(this.logPath, "utf8");
    } catch {
      return "";
    }
  }

  /** The last lines of its output, for failure messages. */
  tail(lines = 20): string {
    return this.output().split("\n").slice(-lines).join("\n");
  }

  /** The first match of `pattern` in its output, as soon as it is printed; fails after `ms`. */
  async printed(pattern: RegExp, ms = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const match = pattern.exec(this.output());
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`exited first:\n${this.tail()}`);
      await sleep(5);
    }
    throw new Error(`no output matching ${pattern} after ${ms} ms:\n${this.tail()}`);
  }
}

export class Sandbox {
  readonly dir: string;
  readonly persistDir: string;
  /**
   * TMPDIR of every process started here: Miniflare's temporary directories, which a SIGKILLed
   * wrangler cannot remove, go with the sandbox.
   */
  private readonly tmpDir: string;
  private readonly groups: ProcessGroup[] = [];
  private readonly onExit = () => {
    for (const g of this.groups) g.killAll();
  };
  private configPath: string | undefined;
  private starts = 0;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `cmq-fault-${prefix}-`));
    this.persistDir = join(this.dir, "state");
    this.tmpDir = join(this.dir, "tmp");
    mkdirSync(this.tmpDir);
    // Last resort should the test process be torn down before afterAll runs.
    process.once("exit", this.onExit);
  }

  /**
   * A copy of wrangler.toml in the sandbox with its paths made absolute (`main`, the assets
   * directory, the build's cwd and watched folders): wrangler's project root is the config's
   * directory, so the `.wrangler/tmp` bundles a SIGKILLed wrangler leaves behind land in the
   * sandbox (removed at the end) instead of the shared working tree.
   */
  private async config(): Promise<string> {
    if (this.configPath) return this.configPath;
    const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    const main = /^main\s*=\s*"([^"]+)"\s*$/m;
    const match = main.exec(toml);
    if (!match?.[1]) throw new Error('wrangler.toml has no main = "…" line');
    const absolute = (relative: string) => JSON.stringify(join(ROOT, relative));
    const copy = toml
      .replace(main, `main = ${absolute(match[1])}`)
      .replace(
        /^directory\s*=\s*"([^"]+)"\s*$/m,
        (_line, dir: string) => `directory = ${absolute(dir)}`,
      )
      .replace(/^\[build\]$/m, `[build]\ncwd = ${JSON.stringify(ROOT)}`)
      .replace(/^watch_dir\s*=\s*\[([^\]]*)\]\s*$/m, (_line, dirs: string) => {
        const list = dirs.split(",").map((d) => absolute(JSON.parse(d.trim()) as string));
        return `watch_dir = [${list.join(", ")}]`;
      });
    const path = join(this.dir, "wrangler.toml");
    await writeFile(path, copy);
    this.configPath = path;
    return path;
  }

  /** `wrangler dev --local` on `port`, persisting to this sandbox's state directory. */
  async startWrangler(port: number): Promise<ProcessGroup> {
    const config = await this.config();
    const inspectorPort = await freePort();
    return this.start(
      "wrangler",
      [
        join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
        "dev",
        "--config",
        config,
        "--local",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        this.persistDir,
        // The local defaults as its secrets, as `npm run dev` loads them.
        "--env-file",
        LOCAL_DEFAULTS_FILE,
        "--show-interactive-dev-session=false",
        "--log-level",
        "warn",
      ],
      this.dir,
      { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    );
  }

  /** The TCP bridge (tcp-bridge/src/main.ts) on `port`, forwarding to `workerUrl`. */
  startBridge(port: number, workerUrl: string): ProcessGroup {
    return this.start(
      "bridge",
      [
        "--import",
        "tsx",
        join(ROOT, "tcp-bridge/src/main.ts"),
        "--port",
        String(port),
        "--worker-url",
        workerUrl,
        "--bridge-token",
        BRIDGE_TOKEN,
      ],
      ROOT,
    );
  }

  /** `npm start -- <options>` (local/start.ts: the Worker and the bridge). */
  startNpmStart(options: string[]): ProcessGroup {
    return this.start("npm-start", ["start", "--", ...options], ROOT, {}, "npm");
  }

  /** A process (node unless told) in a new group, kept for stopAll, logging to its own file. */
  private start(
    name: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv = {},
    command = process.execPath,
  ): ProcessGroup {
    this.starts += 1;
    const group = ProcessGroup.start(name, command, args, {
      cwd,
      env: { ...process.env, TMPDIR: this.tmpDir, ...env },
      logPath: join(this.dir, `${name}-${this.starts}.log`),
    });
    this.groups.push(group);
    return group;
  }

  /** Kills everything it started, waits for it, and returns whatever still runs. */
  async stopAll(): Promise<ProcInfo[]> {
    for (const g of this.groups) g.killAll();
    const left = () => new Set(this.groups.flatMap((g) => g.left()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && left().size > 0) await sleep(100);
    process.removeListener("exit", this.onExit);
    const pids = left();
    return processes().filter((p) => pids.has(p.pid));
  }

  /** Removes the sandbox directory (storage, logs, wrangler's bundles). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls a signed ListQueue until the Worker answers with CMQ's JSON envelope. */
export function waitHttpReady(
  endpoint: string,
  group: ProcessGroup,
  timeoutMs = 90_000,
): Promise<number> {
  const client = httpClient(endpoint, 3_000);
  return pollReady(group, timeoutMs, async () => {
    try {
      const reply = await client.call("ListQueue", { limit: 1 });
      return typeof reply.code === "number";
    } catch {
      return false; // Not listening yet.
    }
  });
}

/** Polls a TCP connect to the bridge until it accepts. */
export function waitTcpReady(
  port: number,
  group: ProcessGroup,
  timeoutMs = 60_000,
): Promise<number> {
  return pollReady(
    group,
    timeoutMs,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
        socket.setTimeout(2_000, () => {
          socket.destroy();
          resolve(false);
        });
      }),
  );
}

/**
 * Polls `serves` until it says yes and returns how long that took; fails at once when the group's
 * first process exited, since then nothing will ever answer.
 */
async function pollReady(
  group: ProcessGroup,
  timeoutMs: number,
  serves: () => Promise<boolean>,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (group.child.exitCode !== null || group.child.signalCode !== null)
      throw new Error(`${group.name} exited while starting:\n${group.tail()}`);
    if (await serves()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${group.name} not ready after ${timeoutMs} ms:\n${group.tail()}`);
}
