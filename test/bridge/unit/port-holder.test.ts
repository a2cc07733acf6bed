/**
 * Finding who holds a port from /proc (Linux), for the "port in use" line of the bridge and of
 * `npm start`: this test process listens, so it must be named, and a closed port names no one.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { portHolder, portInUseMessage } from "../../../tcp-bridge/src/port-holder";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listening(host: string): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return address.port;
}

describe.runIf(process.platform === "linux")("portHolder", () => {
  // Every address, so no other process can hold the same port number on another one meanwhile.
  it.each(["0.0.0.0", "::"])(
    "names this process as the holder of a port it listens on at %s",
    async (host) => {
      const port = await listening(host);
      expect(portHolder(port)?.pid).toBe(process.pid);
    },
  );

  it("names no one for a port nobody listens on", async () => {
    const port = await listening("127.0.0.1");
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    expect(portHolder(port)).toBeUndefined();
  });

  it("words the port, the holder's pid and what to do in one line", async () => {
    const port = await listening("127.0.0.1");
    const line = portInUseMessage("TCP", port, "--tcp-port");
    expect(line).toMatch(
      new RegExp(
        `^TCP port ${port} is already in use by pid ${process.pid} \\(.+\\): stop it with kill ` +
          `${process.pid}, or pick another port with --tcp-port <port>$`,
      ),
    );
  });
});
