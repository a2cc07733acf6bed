/**
 * Local serving only: a byte relay in front of workerd's HTTP socket that turns a client's close
 * into a reset toward workerd. workerd's local HTTP server does not notice a client that closes its
 * socket (FIN) while a request is in flight, so a long poll whose client timed out or crashed
 * would go on and take messages for no one; a reset it does notice, and it cancels the request
 * (`request.signal` aborts, src/http/receive-abandon.ts). On Cloudflare the edge does this itself.
 * The relay parses nothing: bytes pass through both ways with backpressure.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Relay {
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 picks a free port) and relays every connection to `target`. */
export function startDisconnectRelay(
  host: string,
  port: number,
  target: { host: string; port: number },
): Promise<Relay> {
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = connect({ ...target, noDelay: true });
    open.add(client).add(upstream);
    const reset = () => {
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    // Not `end`: a client's FIN must reach workerd as a reset, not as a half-close it ignores.
    client.pipe(upstream, { end: false });
    upstream.pipe(client);
    client.on("end", reset);
    client.on("error", reset);
    client.on("close", () => {
      reset();
      open.delete(client);
    });
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => {
      client.destroy();
      open.delete(upstream);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("the relay has no TCP address"));
        return;
      }
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
