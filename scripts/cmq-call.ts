/**
 * `npm run cmq -- <Action> [name=value …]`: one signed CMQ request from the shell, signed as the
 * SDKs sign it (the same code the Worker verifies with), for any endpoint, its reply printed as JSON.
 * It exists so a first request needs no hand-sorted parameters or hard-coded host in a curl line.
 */
import { parseArgs } from "node:util";
import { CmqHttpClient } from "cmq-edge/client";
import { localCredential } from "../local/local-defaults";
import { stringToSign } from "../src/contract/cmq-signature";

const USAGE = `usage: npm run cmq -- <Action> [name=value ...] [options]

  e.g.  npm run cmq -- CreateQueue queueName=demo
        npm run cmq -- SendMessage queueName=demo "msgBody=hello, world"
        npm run cmq -- ReceiveMessage queueName=demo pollingWaitSeconds=5

options:
  --endpoint URL        the service (default http://127.0.0.1:8787, path /v2/index.php)
  --secret-id ID        default $CMQ_SECRET_ID, else the local default credential
  --secret-key KEY      default $CMQ_SECRET_KEY, else the local default credential
  --signature-method M  HmacSHA256 (default) or HmacSHA1
  --get                 send the parameters in the query string instead of a POST form
  --verbose             print the string that was signed (to stderr)

Prints the JSON reply; exits 1 when its code is not 0.`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        endpoint: { type: "string", default: "http://127.0.0.1:8787" },
        "secret-id": { type: "string" },
        "secret-key": { type: "string" },
        "signature-method": { type: "string", default: "HmacSHA256" },
        get: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
}

const { values, positionals } = parseCommandLine();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const [action, ...pairs] = positionals;
if (!action) usage("no Action given");
const params: Record<string, string> = {};
for (const pair of pairs) {
  const at = pair.indexOf("=");
  if (at <= 0) usage(`not name=value: ${JSON.stringify(pair)}`);
  params[pair.slice(0, at)] = pair.slice(at + 1);
}

const method = values["signature-method"];
if (!/^Hmac(SHA1|SHA256)$/.test(method)) usage(`unknown --signature-method ${method}`);
const endpoint = URL.parse(values.endpoint) ?? usage(`not a URL: ${values.endpoint}`);
// The SDKs take the endpoint without a path and post to /v2/index.php.
if (endpoint.pathname === "/") endpoint.pathname = "/v2/index.php";

const fallback = () => localCredential();
const credentials = {
  secretId: values["secret-id"] ?? process.env.CMQ_SECRET_ID ?? fallback().secretId,
  secretKey: values["secret-key"] ?? process.env.CMQ_SECRET_KEY ?? fallback().secretKey,
};

/** What the Worker rebuilds from the request as sent: method, Host, path, sorted parameters. */
async function signedText(request: Request): Promise<string> {
  const url = new URL(request.url);
  const form = request.method === "GET" ? url.search.slice(1) : await request.clone().text();
  const params = [...new URLSearchParams(form)];
  return stringToSign({ method: request.method, host: url.host, path: url.pathname, params });
}

const client = new CmqHttpClient({
  endpoint: endpoint.toString(),
  credentials,
  fetch: async (request) => {
    if (values.verbose) console.error(`signed: ${await signedText(request)}`);
    return fetch(request);
  },
});

try {
  const reply = await client.call(action, params, {
    method: values.get ? "GET" : "POST",
    hash: method === "HmacSHA1" ? "SHA-1" : "SHA-256",
  });
  console.log(JSON.stringify(reply, null, 2));
  if (/authentication failed/.test(reply.message) && !values.verbose) {
    console.error('cmq: --verbose prints the string signed; README "When authentication fails"');
  }
  process.exit(reply.code === 0 ? 0 : 1);
} catch (error) {
  // Not a CMQ reply at all: nothing listening, DNS, TLS, a proxy's error page.
  const cause = (error as Error).cause as Error | undefined;
  const why = [(error as Error).message, cause?.message].filter(Boolean).join(": ");
  console.error(`cmq: ${endpoint} did not answer as CMQ: ${why}`);
  process.exit(1);
}
