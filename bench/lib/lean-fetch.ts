/**
 * A fetch for load generators: undici's request() on a keep-alive pool, which costs the client a
 * fraction of the WHATWG fetch's CPU. On a 2-core machine the client shares the CPU with the
 * server under test, so a lighter client measures more of the server.
 */
import { Agent, request } from "undici";

export function leanFetch(connections = 64): (input: Request) => Promise<Response> {
  const dispatcher = new Agent({ connections, pipelining: 1 });
  return async (input) => {
    const response = await request(input.url, {
      method: input.method as "GET" | "POST",
      headers: Object.fromEntries(input.headers),
      body: input.body ? Buffer.from(await input.arrayBuffer()) : undefined,
      dispatcher,
    });
    return new Response(await response.body.arrayBuffer(), { status: response.statusCode });
  };
}
