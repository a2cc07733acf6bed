/**
 * Who holds a TCP port, for the one-line "port in use" message of the bridge and of `npm start`:
 * on Linux, the listening socket's inode from /proc/net/tcp{,6}, then the process with that inode
 * among its open files. No root and no lsof needed; another user's process is not found.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface PortHolder {
  pid: number;
  /** Its command line, shortened. */
  command: string;
}

/** /proc/net/tcp's state column for a listening socket. */
const LISTEN = "0A";

/** Inodes of the sockets listening on `port`, on any address (any of them makes a bind fail). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue; // No IPv6, or not Linux.
    }
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (!local || !inode || fields[3] !== LISTEN || inode === "0") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}

/** The process listening on `port`, when this user can see it; undefined otherwise. */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // Another user's, or gone.
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(target)) return { pid: Number(pid), command: commandOf(pid) };
    }
  }
  return undefined;
}

function commandOf(pid: string): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return command.length > 100 ? `${command.slice(0, 97)}...` : command;
  } catch {
    return "?";
  }
}

/**
 * The one line a start that found its port taken prints: which port, who holds it when that can
 * be known, and what to do about it (`flag` is the option that picks another port).
 */
export function portInUseMessage(what: string, port: number, flag: string): string {
  const holder = portHolder(port);
  const by = holder ? ` by pid ${holder.pid} (${holder.command})` : "";
  const stop = holder ? `stop it with kill ${holder.pid}` : "stop whatever holds it";
  return `${what} port ${port} is already in use${by}: ${stop}, or pick another port with ${flag} <port>`;
}

/** Whether `error` is a listen that failed because the address is taken. */
export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}
