/**
 * Local https (local/https-server.ts): the official Node SDK reaches the Worker over TLS when told
 * to trust the generated certificate, and not otherwise; the certificate is generated once.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tdmq } from "tencentcloud-sdk-nodejs/tencentcloud/services/tdmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCertificate } from "../../local/certificate";
import { type LocalHttps, startLocalHttps } from "../../local/https-server";
import { CREDENTIALS, type Stack, startStack } from "./stack";

let stack: Stack;
let https: LocalHttps;
const stateDir = mkdtempSync(join(tmpdir(), "cmq-edge-https-"));

beforeAll(async () => {
  stack = await startStack();
  https = await startLocalHttps({ workerUrl: stack.worker.url, port: 0, stateDir });
});
afterAll(async () => {
  await https?.close();
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function client(agent?: Agent) {
  return new tdmq.v20200217.Client({
    credential: CREDENTIALS,
    region: "",
    profile: { httpProfile: { endpoint: new URL(https.url).host, protocol: "https://", agent } },
  });
}

describe("local https", () => {
  it("serves API 3.0 over TLS to a client that trusts the certificate", async () => {
    const queue = stack.name("tls");
    const trusting = client(new Agent({ ca: https.certificate.cert }));
    await trusting.CreateCmqQueue({ QueueName: queue });
    const { QueueDescribe } = await trusting.DescribeCmqQueueDetail({ QueueName: queue });
    expect(QueueDescribe?.QueueName).toBe(queue);
    await expect(client().DescribeCmqQueues({})).rejects.toThrow(/self-signed certificate/);
  });

  it("generates the certificate once and reuses it", async () => {
    expect(https.certificate.generated).toBe(true);
    const again = await localCertificate({ stateDir });
    expect({ generated: again.generated, cert: again.cert }).toEqual({
      generated: false,
      cert: https.certificate.cert,
    });
  });
});
