/**
 * The certificate of the local https port: one given by flags, or one generated once into the
 * state folder (self-signed for localhost, 127.0.0.1 and ::1) and reused, so a client told to
 * trust it keeps trusting it across restarts. selfsigned is pure JavaScript: no openssl needed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface LocalCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
  /** True when this call generated it. */
  generated: boolean;
}

const DAYS = 825;

/** The certificate at `certPath` + `keyPath`, or the state folder's, generated when missing. */
export async function localCertificate(options: {
  stateDir: string;
  certPath?: string;
  keyPath?: string;
}): Promise<LocalCertificate> {
  if (options.certPath || options.keyPath) {
    if (!options.certPath || !options.keyPath) {
      throw new Error("give both --tls-cert and --tls-key, or neither");
    }
    const { certPath, keyPath } = options;
    return { certPath, keyPath, ...read(certPath, keyPath), generated: false };
  }
  const dir = join(options.stateDir, "https");
  const certPath = join(dir, "cmq-edge-local.crt");
  const keyPath = join(dir, "cmq-edge-local.key");
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { certPath, keyPath, ...read(certPath, keyPath), generated: false };
  }
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "cmq-edge local" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + DAYS * 86_400_000),
    extensions: [
      // A CA certificate of its own: Java's and Node's trust stores take it as an anchor.
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { certPath, keyPath, cert: pems.cert, key: pems.private, generated: true };
}

function read(certPath: string, keyPath: string) {
  return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}
