/**
 * `cmq-edge call <Action> [name=value …]` (and `npm run cmq`): one signed request of any action,
 * its whole reply printed as JSON whatever its code, for what the other commands do not cover.
 * `--verbose` prints the string it signed, to compare with a client whose signature is refused.
 * @module
 */
import { CmqHttpClient } from "cmq-edge/client";
import type { Command } from "commander";
import { stringToSign } from "../src/contract/cmq-signature";
import { EXIT, UsageError } from "./failure";
import { oneOf } from "./options";
import type { Runtime } from "./runtime";

interface CallOptions {
  get?: boolean;
  signatureMethod?: "SHA-1" | "SHA-256";
  verbose?: boolean;
}

/** What the Worker rebuilds from the request as sent: method, Host, path, sorted parameters. */
async function signedText(request: Request): Promise<string> {
  const url = new URL(request.url);
  const form = request.method === "GET" ? url.search.slice(1) : await request.clone().text();
  const params = [...new URLSearchParams(form)];
  return stringToSign({ method: request.method, host: url.host, path: url.pathname, params });
}

function paramsOf(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`not name=value: ${JSON.stringify(pair)}`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return params;
}

export function registerCall(program: Command, rt: Runtime): void {
  program
    .command("call <Action> [params...]")
    .description(
      "one signed request of any action, e.g. `call SendMessage queueName=demo msgBody=hi`",
    )
    .option("--get", "send the parameters in the query string instead of a POST form")
    .option(
      "--signature-method <m>",
      "HmacSHA256 (default) or HmacSHA1",
      oneOf({ HmacSHA256: "SHA-256" as const, HmacSHA1: "SHA-1" as const }),
    )
    .option("--verbose", "print the string that was signed (to stderr)")
    .addHelpText(
      "after",
      "\nParameters go in any order and need no encoding. Prints CMQ's JSON reply; exits 1 when its code is not 0.",
    )
    .action((action: string, pairs: string[], o: CallOptions, command: Command) =>
      rt.run(command, async (ctx) => {
        const params = paramsOf(pairs);
        const stderr = ctx.io.stderr;
        const client = new CmqHttpClient({
          endpoint: ctx.settings.endpoint,
          credentials: ctx.settings.credentials,
          fetch: async (request) => {
            if (o.verbose) stderr.write(`signed: ${await signedText(request)}\n`);
            return fetch(request);
          },
        });
        const reply = await client.call(action, params, {
          method: o.get ? "GET" : "POST",
          hash: o.signatureMethod ?? "SHA-256",
          ...ctx.call,
        });
        ctx.io.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
        if (/authentication failed/.test(reply.message) && !o.verbose) {
          stderr.write(
            'cmq-edge: --verbose prints the string signed; README "When authentication fails"\n',
          );
        }
        if (reply.code !== 0) process.exitCode = EXIT.refused;
      }),
    );
}
