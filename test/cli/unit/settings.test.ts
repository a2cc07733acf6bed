/** The CLI's settings resolution (cli/settings.ts), with chosen flags, environments and files. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/failure";
import { parseEndpoint, parseTcpAddress, resolveSettings } from "../../../cli/settings";
import { localCredential } from "../../../local/local-defaults";

const FILE = {
  default: { endpoint: "http://profile.example:1", secret_id: "PID", secret_key: "PKEY" },
  local: { endpoint: "http://127.0.0.1:9000" },
};
const files = () => FILE;
const env = { HOME: "/home/u" };

describe("resolveSettings", () => {
  it("takes each setting from a flag, else the environment, else the profile", () => {
    const s = resolveSettings(
      { secretId: "FID" },
      { ...env, CMQ_SECRET_ID: "EID", CMQ_SECRET_KEY: "EKEY", CMQ_TCP_ADDRESS: "h:6380" },
      files,
    );
    expect(s).toMatchObject({
      endpoint: "http://profile.example:1/v2/index.php",
      credentials: { secretId: "FID", secretKey: "EKEY" },
      tcp: { host: "h", port: 6380 },
      profile: "default",
      configFile: "/home/u/.cmq-edge/config",
      sources: { endpoint: "profile", secretId: "flag", secretKey: "env", tcpAddress: "env" },
    });
  });

  it("--profile beats CMQ_PROFILE, and CMQ_CONFIG_FILE moves the file", () => {
    let read = "";
    const s = resolveSettings(
      { profile: "local" },
      { ...env, CMQ_PROFILE: "nope", CMQ_CONFIG_FILE: "/etc/cmq" },
      (p) => {
        read = p;
        return FILE;
      },
    );
    expect(read).toBe("/etc/cmq");
    expect(s.profile).toBe("local");
    expect(s.sources).toMatchObject({
      endpoint: "profile",
      secretId: "default",
      secretKey: "default",
    });
    expect(s.credentials.secretId).toBe(localCredential().secretId);
  });

  it("uses the local default credential only for an endpoint on this machine", () => {
    for (const endpoint of ["http://localhost:8787", "http://127.0.0.5:1", "http://[::1]:8787"]) {
      expect(resolveSettings({ endpoint }, env, () => ({})).sources.secretId).toBe("default");
    }
    expect(() => resolveSettings({ endpoint: "https://cmq.example.com" }, env, () => ({}))).toThrow(
      /no credential for https:\/\/cmq\.example\.com/,
    );
  });

  it("refuses half a credential, and an unknown named profile", () => {
    expect(() => resolveSettings({ secretKey: "k" }, env, () => ({}))).toThrow(UsageError);
    expect(() => resolveSettings({ profile: "prod" }, env, files)).toThrow(/no profile "prod"/);
    // The default profile may be missing: local defaults then.
    expect(resolveSettings({}, env, () => ({})).endpoint).toBe(
      "http://127.0.0.1:8787/v2/index.php",
    );
  });
});

describe("endpoint and TCP address", () => {
  it("takes an endpoint as the SDKs do", () => {
    expect(parseEndpoint("127.0.0.1:8787").toString()).toBe("http://127.0.0.1:8787/v2/index.php");
    expect(parseEndpoint("https://x.example/").toString()).toBe("https://x.example/v2/index.php");
    expect(parseEndpoint("http://x/custom").toString()).toBe("http://x/custom");
    expect(() => parseEndpoint("ftp://x")).toThrow(UsageError);
  });

  it("takes host:port", () => {
    expect(parseTcpAddress("127.0.0.1:6380")).toEqual({ host: "127.0.0.1", port: 6380 });
    expect(parseTcpAddress("[::1]:6380")).toEqual({ host: "::1", port: 6380 });
    expect(() => parseTcpAddress("host")).toThrow(UsageError);
    expect(() => parseTcpAddress("host:70000")).toThrow(UsageError);
  });
});
