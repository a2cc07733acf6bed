/**
 * How the bridge reaches the Worker: the internal route (src/http/internal/bridge-protocol.ts)
 * over a pool of keep-alive HTTP connections (undici), authenticated by the bridge token. Works
 * against `wrangler dev` locally or a deployed Worker's URL alike.
 */
import { Pool } from "undici";
import {
  BRIDGE_ROUTE,
  type BridgeCall,
  type BridgeOutcome,
  type BridgeResult,
} from "../../src/http/internal/bridge-protocol";

export interface WorkerChannel {
  call<C extends BridgeCall>(call: C): Promise<BridgeOutcome<BridgeResult[C["op"]]>>;
  close(): Promise<void>;
}

export interface HttpChannelOptions {
  /** The Worker's origin, e.g. http://127.0.0.1:8787 or https://cmq.example.workers.dev */
  workerUrl: string;
  token: string;
  connections: number;
}

export class HttpWorkerChannel implements WorkerChannel {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly options: HttpChannelOptions) {
    const url = new URL(options.workerUrl);
    this.pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
    this.path = `${url.pathname.replace(/\/$/, "")}${BRIDGE_ROUTE}`;
  }

  async call<C extends BridgeCall>(call: C): Promise<BridgeOutcome<BridgeResult[C["op"]]>> {
    const response = await this.pool.request({
      method: "POST",
      path: this.path,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(call),
      // Long polls hold a call open up to 30 s.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const text = await response.body.text();
    try {
      return JSON.parse(text) as BridgeOutcome<BridgeResult[C["op"]]>;
    } catch {
      throw new Error(`Worker answered HTTP ${response.statusCode} with a body that is not JSON`);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
