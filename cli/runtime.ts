/**
 * What every command runs with: its output (people or --json), the settings resolved from flags,
 * environment and profile (settings.ts), a client made on first use over HTTP or, with a TCP
 * address, over the bridge, and the signal Ctrl-C aborts. main.ts closes it all at the end.
 * @module
 */
import { type CmqClient, httpClient, tcpClient } from "cmq-edge/client";
import type { Command } from "commander";
import { Output } from "./output";
import { type Flags, resolveSettings, type Settings } from "./settings";

export interface GlobalOptions extends Flags {
  json?: boolean;
}

export interface Io {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export class Context {
  private made: CmqClient | undefined;

  constructor(
    readonly out: Output,
    readonly settings: Settings,
    readonly signal: AbortSignal,
    readonly io: Io,
  ) {}

  /** Call options of every request: Ctrl-C cuts it short. */
  get call(): { signal: AbortSignal } {
    return { signal: this.signal };
  }

  /** The client: messages over TCP when a TCP address is set, everything else over HTTP. */
  client(): CmqClient {
    if (this.made) return this.made;
    const { endpoint, credentials, tcp } = this.settings;
    this.made = tcp
      ? tcpClient({ ...tcp, credentials, endpoint })
      : httpClient({ endpoint, credentials });
    return this.made;
  }

  close(): void {
    this.made?.close();
  }
}

export class Runtime {
  /** Aborted by Ctrl-C (SIGINT) or SIGTERM: long polls and `tail` end on it. */
  readonly interrupt = new AbortController();
  private context: Context | undefined;

  constructor(readonly io: Io) {}

  /** Where requests went, for an error line; the default endpoint before settings resolve. */
  get endpoint(): string {
    const settings = this.context?.settings;
    if (!settings) return "the endpoint";
    const tcp = settings.tcp
      ? ` or the TCP bridge at ${settings.tcp.host}:${settings.tcp.port}`
      : "";
    return `${settings.endpoint}${tcp}`;
  }

  /** The output alone, for commands that need no connection (profile, serve). */
  output(command: Command): Output {
    const globals = command.optsWithGlobals<GlobalOptions>();
    return new Output(globals.json === true, this.io.stdout, this.io.stderr);
  }

  /** Runs a command's body with its context. */
  async run(command: Command, body: (ctx: Context) => Promise<void>): Promise<void> {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const settings = resolveSettings(globals, this.io.env);
    this.context = new Context(this.output(command), settings, this.interrupt.signal, this.io);
    await body(this.context);
  }

  close(): void {
    this.context?.close();
  }
}
