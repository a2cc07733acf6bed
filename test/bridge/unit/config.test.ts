/** The bridge's settings: a bridge never falls back to the public local token. */
import { describe, expect, it } from "vitest";
import { readConfig } from "../../../tcp-bridge/src/config";

describe("bridge config", () => {
  it.each([
    ["nothing", [], {}],
    ["an empty CMQ_BRIDGE_TOKEN", [], { CMQ_BRIDGE_TOKEN: "" }],
    ["an empty --bridge-token", ["--bridge-token", ""], {}],
  ])("refuses to start with %s as its bridge token", (_, argv, env) => {
    expect(() => readConfig(argv, env)).toThrow(
      /--bridge-token \(or CMQ_BRIDGE_TOKEN\) is required/,
    );
  });

  it("takes the token from --bridge-token before CMQ_BRIDGE_TOKEN", () => {
    expect(readConfig([], { CMQ_BRIDGE_TOKEN: "from-env" }).bridgeToken).toBe("from-env");
    const both = readConfig(["--bridge-token", "from-flag"], { CMQ_BRIDGE_TOKEN: "from-env" });
    expect(both.bridgeToken).toBe("from-flag");
  });
});
