/** The "endpoint is cmq-edge itself" comparison: scheme, host (loopback forms folded) and port. */
import { describe, expect, it } from "vitest";
import { isOwnAddress } from "../../src/http/own-address";

const LOCAL = { scheme: "http:", host: "127.0.0.1:8787" };
const NAMED = { scheme: "http:", host: "cmq.test" };
const SECURE = { scheme: "https:", host: "cmq.example.com" };

describe("isOwnAddress", () => {
  it.each<[string, { scheme: string; host: string }, boolean]>([
    // The reported defect: another port on the same host is someone else.
    ["http://127.0.0.1:9999/hook", LOCAL, false],
    ["http://127.0.0.1:8787/hook", LOCAL, true],
    // ...and other spellings of our loopback address and port are us.
    ["http://localhost:8787/", LOCAL, true],
    ["http://LOCALHOST:8787/", LOCAL, true],
    ["http://localhost.:8787/", LOCAL, true],
    ["http://cmq.localhost:8787/", LOCAL, true],
    ["http://[::1]:8787/", LOCAL, true],
    ["http://[0:0:0:0:0:0:0:1]:8787/", LOCAL, true],
    ["http://[::ffff:127.0.0.1]:8787/", LOCAL, true],
    ["http://[::ffff:7f00:1]:8787/", LOCAL, true],
    ["http://0.0.0.0:8787/", LOCAL, true],
    ["http://0:8787/", LOCAL, true],
    ["http://[::]:8787/", LOCAL, true],
    ["http://127.0.0.2:8787/", LOCAL, true],
    ["http://127.1:8787/", LOCAL, true],
    ["http://2130706433:8787/", LOCAL, true],
    ["http://0x7f000001:8787/", LOCAL, true],
    ["http://0177.0.0.1:8787/", LOCAL, true],
    ["http://127.0.0.1.:8787/", LOCAL, true],
    ["http://user:pw@127.0.0.1:08787/x?y#z", LOCAL, true],
    // Loopback forms on another port, another scheme, or not loopback at all.
    ["http://localhost:8788/", LOCAL, false],
    ["http://[::1]:80/", LOCAL, false],
    ["https://127.0.0.1:8787/", LOCAL, false],
    ["http://128.0.0.1:8787/", LOCAL, false],
    ["http://[::ffff:8000:1]:8787/", LOCAL, false],
    ["http://localhost.example:8787/", LOCAL, false],
    ["http://cmq.test:8787/", LOCAL, false],
    // Our own loopback name, when that is what the client called us by.
    ["http://127.0.0.1:8787/", { scheme: "http:", host: "localhost:8787" }, true],
    ["http://[::1]:8787/", { scheme: "http:", host: "[::1]:8787" }, true],
    // Default ports: absent on either side means 80 for http, 443 for https.
    ["http://CMQ.test/v2/index.php", NAMED, true],
    ["http://cmq.test:80/", NAMED, true],
    ["http://cmq.test:8080/", NAMED, false],
    ["http://cmq.test/", { scheme: "http:", host: "cmq.test:80" }, true],
    ["https://cmq.example.com/push", SECURE, true],
    ["https://cmq.example.com:443/", SECURE, true],
    ["http://cmq.example.com/", SECURE, false],
    ["https://cmq.example.com:8443/", SECURE, false],
    ["https://other.example.com/", SECURE, false],
    // What cannot be parsed is not us (Subscribe's own checks refuse a bad URL).
    ["not a url", LOCAL, false],
    ["http://127.0.0.1:8787/", { scheme: "http:", host: "" }, false],
  ])("%s against %j is ours: %s", (endpoint, own, expected) => {
    expect(isOwnAddress(endpoint, own)).toBe(expected);
  });
});
