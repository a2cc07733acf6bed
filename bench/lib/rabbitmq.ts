/**
 * RabbitMQ as the peer measured in the same run (bench/README.md): a broker of Debian's
 * rabbitmq-server started on loopback only, with a throwaway data folder, and given the load
 * cmq-edge gets — a durable queue, persistent 1 KiB messages, `inFlight` publishes awaiting their
 * confirms; consumers with manual acks at a prefetch of `inFlight` — through the same closed-loop
 * load generator.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqp, { type ConfirmChannel, type ConsumeMessage } from "amqplib";
import { type LoadResult, runLoad } from "./load";

/** The server script itself: the /usr/sbin wrapper would switch to the rabbitmq user. */
const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

export interface RabbitMq {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** Installs Debian's rabbitmq-server when it is missing and this is root, as the brief allows. */
function ensureInstalled(): void {
  if (existsSync(SERVER)) return;
  if (process.getuid?.() !== 0) {
    throw new Error("RabbitMQ is not installed: run `apt-get install -y rabbitmq-server` as root");
  }
  console.log("installing rabbitmq-server (apt-get), for the peer measured in this run");
  execFileSync("apt-get", ["install", "-y", "-qq", "rabbitmq-server"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rabbitmq-server exited (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("rabbitmq-server did not start listening");
}

function erlangBin(name: string): string {
  const erts = readdirSync("/usr/lib/erlang").find((d) => d.startsWith("erts-"));
  return join("/usr/lib/erlang", erts ?? "", "bin", name);
}

export async function startRabbitMq(): Promise<RabbitMq> {
  ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), "cmq-bench-rabbitmq-"));
  writeFileSync(join(dir, "enabled_plugins"), "[].");
  const [port, epmdPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: `cmqbench${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(port + 1),
    // Erlang's distribution and port mapper on loopback too, on ports of this run's own.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    ERL_EPMD_ADDRESS: "127.0.0.1",
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
  };
  const child = spawn(SERVER, [], { env, stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    // The port mapper daemonises itself: end this run's one by its port.
    try {
      execFileSync(erlangBin("epmd"), ["-kill"], { env, stdio: "ignore" });
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const version = readdirSync("/usr/lib/rabbitmq/lib")[0]?.replace("rabbitmq_server-", "") ?? "?";
  return { url: `amqp://guest:guest@127.0.0.1:${port}`, version, stop };
}

export interface PeerLoad {
  seconds: number;
  /** Publishes awaiting confirms, and the consumers' prefetch. */
  inFlight: number;
  connections: number;
  body: string;
}

/** Publish+confirm, then consume+ack of what was published, as cmq-edge's send and pull+delete. */
export async function measureRabbitMq(
  url: string,
  load: PeerLoad,
): Promise<{ publish: LoadResult; consume: LoadResult }> {
  const queue = "bench-peer";
  const models = await Promise.all(
    Array.from({ length: load.connections }, () => amqp.connect(url)),
  );
  try {
    const channels: ConfirmChannel[] = await Promise.all(
      models.map((m) => m.createConfirmChannel()),
    );
    await channels[0]?.assertQueue(queue, { durable: true });
    const body = Buffer.from(load.body);
    const channel = (i: number) => channels[i % channels.length] as ConfirmChannel;
    const publish = await runLoad(
      "RabbitMQ publish+confirm",
      (i) =>
        new Promise<number>((resolve, reject) => {
          channel(i).sendToQueue(queue, body, { persistent: true }, (error) =>
            error ? reject(error) : resolve(1),
          );
        }),
      { concurrency: load.inFlight, seconds: load.seconds },
    );
    // Deliveries wait here for the load's workers, each of which acks one and counts it.
    type Delivery = { message: ConsumeMessage; channel: ConfirmChannel };
    const delivered: Delivery[] = [];
    const waiting: ((d: Delivery | null) => void)[] = [];
    let dry = false;
    const perChannel = Math.max(1, Math.ceil(load.inFlight / channels.length));
    for (const c of channels) {
      await c.prefetch(perChannel);
      await c.consume(queue, (message) => {
        if (!message) return;
        const delivery = { message, channel: c };
        const next = waiting.shift();
        if (next) next(delivery);
        else delivered.push(delivery);
      });
    }
    const consume = await runLoad(
      "RabbitMQ consume+ack",
      async () => {
        const d =
          delivered.shift() ??
          (await new Promise<Delivery | null>((resolve) => {
            waiting.push(resolve);
            // Nothing for a second: what was published has all been consumed.
            setTimeout(() => {
              const i = waiting.indexOf(resolve);
              if (i < 0) return;
              waiting.splice(i, 1);
              dry = true;
              resolve(null);
            }, 1000);
          }));
        if (!d) return 0;
        d.channel.ack(d.message);
        return 1;
      },
      { concurrency: load.inFlight, seconds: load.seconds, until: () => dry },
    );
    return { publish, consume };
  } finally {
    await Promise.all(models.map((m) => m.close().catch(() => {})));
  }
}
