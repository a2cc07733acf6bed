/**
 * Local serving only: a byte relay in front of workerd's HTTP socket that turns a client's close
 * into a reset toward workerd. workerd's local HTTP server does not notice a client that closes its
 * socket (FIN) while a request is in flight, so a long poll whose client timed out or crashed
 * would go on and take messages for no one; a reset it does notice, and it cancels the request
 * (`request.signal` aborts, src/http/receive-abandon.ts). On Cloudflare the edge does this itself.
 * The relay parses nothing: bytes pass through both ways with backpressure.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";

export interface Relay {
  port: number;
  close(): Promise<void>;
}

/** PEM key and certificate: the relay terminates TLS (local https, local/https-server.ts). */
export interface RelayTls {
  key: string;
  cert: string;
}

/** Listens on `host:port` (0 picks a free port) and relays every connection to `target`. */
export function startDisconnectRelay(
  host: string,
  port: number,
  target: { host: string; port: number },
  tls?: RelayTls,
): Promise<Relay> {
  const open = new Set<Socket>();
  const options = { allowHalfOpen: true, noDelay: true };
  const onClient = (client: Socket) => {
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
  };
  const server: Server = tls
    ? createTlsServer({ ...options, key: tls.key, cert: tls.cert }, onClient)
    : createServer(options, onClient);
  // A TLS server hands over its sockets after the handshake: close must end those still in it.
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
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
