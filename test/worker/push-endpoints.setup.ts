/**
 * Real HTTP endpoints on loopback for the worker tests of push failures: workerd's own fetch errors
 * are what those tests check, so no mock stands in for the network. Runs in Node, before the
 * worker project; the endpoints' URLs reach the tests through `inject("pushEndpoints")`.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import type { TestProject } from "vitest/node";

export interface PushEndpoints {
  /** Nothing listens on this port. */
  refused: string;
  /** Accepts the connection and never answers. */
  silent: string;
  /** Accepts the connection and closes it at once. */
  hangsUp: string;
  /** Answers every request with HTTP 500. */
  failing: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    pushEndpoints: PushEndpoints;
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no address"));
      else resolve(`http://127.0.0.1:${address.port}/hook`);
    });
  });
}

export default async function setup(project: TestProject) {
  const closedPort = createServer();
  const refused = await listen(closedPort);
  await new Promise((resolve) => closedPort.close(resolve));
  const held = new Set<Socket>();
  const silent = createServer((socket) => {
    held.add(socket);
    socket.on("close", () => held.delete(socket));
  });
  const hangsUp = createServer((socket) => socket.destroy());
  const failing = createHttpServer((_, response) => {
    response.statusCode = 500;
    response.end("down");
  });
  const servers = [silent, hangsUp, failing];
  project.provide("pushEndpoints", {
    refused,
    silent: await listen(silent),
    hangsUp: await listen(hangsUp),
    failing: await listen(failing),
  });
  return async () => {
    for (const socket of held) socket.destroy();
    failing.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  };
}
