/**
 * What a fault test kills each round, and how it comes back: wrangler dev or the TCP bridge (the
 * other stays up), or `npm start` with both in it. Each target starts the whole service on the
 * run's ports and storage, kills its victim with SIGKILL, waits until nothing of it is left, and
 * restarts it the same way.
 */
import { expect } from "vitest";
import {
  type ProcessGroup,
  processes,
  type Sandbox,
  waitHttpReady,
  waitTcpReady,
} from "./processes";

export interface Ports {
  http: number;
  tcp: number;
}

export const workerUrl = (ports: Ports) => `http://127.0.0.1:${ports.http}`;
export const endpointOf = (ports: Ports) => `${workerUrl(ports)}/v2/index.php`;

/** Longest wait for a killed process's leftovers: beyond it the test fails instead of hanging. */
const GONE_WAIT_MS = 10_000;

export interface Target {
  /** Starts everything on the run's ports; resolves once HTTP and TCP serve. */
  startAll(): Promise<void>;
  /** SIGKILL of round `round`'s victim, then waits until it is gone; returns what the round did. */
  kill(round: number): Promise<string>;
  /** Starts the victim again, on the same ports and storage; resolves with ms until it served. */
  restart(): Promise<number>;
}

export interface TargetFactory {
  /** What is killed, for the test's title. */
  readonly title: string;
  create(box: Sandbox, ports: Ports): Target;
}

async function served(
  group: ProcessGroup,
  ports: Ports,
  what: { http: boolean; tcp: boolean },
): Promise<number> {
  const started = Date.now();
  if (what.http) await waitHttpReady(endpointOf(ports), group);
  if (what.tcp) await waitTcpReady(ports.tcp, group);
  return Date.now() - started;
}

/** Waits until nothing `group` started runs; returns how long that took after the kill. */
async function goneAfterKill(group: ProcessGroup, killedAt: number): Promise<number> {
  const gone = await group.gone(GONE_WAIT_MS);
  expect(gone, `${group.name} ${group.pgid} left ${group.left().join(", ")} after kill -9`).toBe(
    true,
  );
  return Date.now() - killedAt;
}

type Part = "wrangler" | "bridge";

/** wrangler dev and the bridge in groups of their own; `victim` is killed, the other stays up. */
function separate(victim: Part, title: string): TargetFactory {
  const create = (box: Sandbox, ports: Ports): Target => {
    const start: Record<Part, () => Promise<ProcessGroup>> = {
      wrangler: () => box.startWrangler(ports.http),
      bridge: async () => box.startBridge(ports.tcp, workerUrl(ports)),
    };
    const groups = new Map<Part, ProcessGroup>();
    const up = async (part: Part) => {
      const group = await start[part]();
      groups.set(part, group);
      return served(group, ports, { http: part === "wrangler", tcp: part === "bridge" });
    };
    return {
      async startAll() {
        // The bridge forwards to the Worker, so wrangler comes first.
        await up("wrangler");
        await up("bridge");
      },
      async kill() {
        const group = groups.get(victim);
        if (!group) throw new Error(`${victim} was never started`);
        group.kill9();
        await goneAfterKill(group, Date.now());
        return "";
      },
      restart: () => up(victim),
    };
  };
  return { title, create };
}

export const wranglerDev = separate("wrangler", "wrangler dev");
export const tcpBridge = separate("bridge", "the TCP bridge");

export type StartKill = "group" | "start";

export const npmStartOptions = (box: Sandbox, ports: Ports) => [
  "--http-port",
  String(ports.http),
  "--tcp-port",
  String(ports.tcp),
  // The clients use neither: free ones, so no default port is taken from anything else running.
  ...["--https-port", "0", "--bridge-metrics-port", "0"],
  "--persist-to",
  box.persistDir,
];

/** The node process running local/start.ts in an `npm start` group (not npm, not its shell). */
function startProcess(group: ProcessGroup): number {
  const start = processes().find(
    (p) =>
      p.pgid === group.pgid &&
      p.cmd.includes("local/start.ts") &&
      /(^|\/)node$/.test(p.cmd.split(" ")[0] ?? ""),
  );
  if (!start) throw new Error(`no local/start.ts process in group ${group.pgid}`);
  return start.pid;
}

/**
 * `npm start`, killed in round `round` as `killOf(round)` says: its whole process group
 * (`kill -9 -PGID`), or the start process alone. Either way nothing it started may be left.
 */
export function npmStart(title: string, killOf: (round: number) => StartKill): TargetFactory {
  const create = (box: Sandbox, ports: Ports): Target => {
    let group: ProcessGroup | undefined;
    const up = async () => {
      group = box.startNpmStart(npmStartOptions(box, ports));
      return served(group, ports, { http: true, tcp: true });
    };
    return {
      startAll: async () => {
        await up();
      },
      async kill(round) {
        if (!group) throw new Error("npm start was never started");
        const how = killOf(round);
        const killedAt = Date.now();
        if (how === "group") group.kill9();
        else process.kill(startProcess(group), "SIGKILL");
        const goneMs = await goneAfterKill(group, killedAt);
        return ` (${how === "group" ? "its process group" : "the start process alone"}, all of it gone after ${goneMs} ms)`;
      },
      restart: up,
    };
  };
  return { title, create };
}
