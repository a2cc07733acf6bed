/** The bridge's bearer token check (src/http/bearer-token.ts) against CMQ_BRIDGE_TOKEN. */
import { bearerTokenMatches } from "../bearer-token";

export function bridgeTokenMatches(
  request: Request,
  env: { CMQ_BRIDGE_TOKEN?: string },
): Promise<boolean> {
  return bearerTokenMatches(request, env.CMQ_BRIDGE_TOKEN);
}
