/**
 * The browser the console tests drive: Debian's Chromium, installed by the tests themselves when
 * it is missing (as root, with apt-get), never assumed and never skipped.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Another Chromium binary may be named by CMQ_CHROMIUM; Debian's package puts it here. */
export const CHROMIUM_PATH = process.env.CMQ_CHROMIUM || "/usr/bin/chromium";

/**
 * Flags for a sandboxed headless run on a machine whose network is closed: without the
 * background-networking ones Chromium keeps trying to reach Google's hosts. Playwright adds
 * --headless and a new, empty --user-data-dir itself.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function apt(args: string[]): boolean {
  const run = spawnSync("apt-get", args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return run.status === 0;
}

/** Installs Debian's chromium package when the binary is missing; throws saying how otherwise. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.env.CMQ_CHROMIUM) {
    throw new Error(`CMQ_CHROMIUM names ${CHROMIUM_PATH}, which does not exist`);
  }
  if (process.platform !== "linux" || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new Error(
      `The console tests need Chromium at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: ` +
        "`sudo apt-get install -y chromium`) or name another binary with CMQ_CHROMIUM, then run " +
        "the tests again. They install it themselves only when run as root on Debian.",
    );
  }
  console.log(`Chromium is missing at ${CHROMIUM_PATH}: installing Debian's chromium package`);
  // A fresh machine may have no package lists yet: update once when the first try fails.
  const installed =
    apt(["install", "-y", "-q", "chromium"]) ||
    (apt(["update", "-q"]) && apt(["install", "-y", "-q", "chromium"]));
  if (!installed || !existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `apt-get could not install chromium (see its output above): ${CHROMIUM_PATH} is missing`,
    );
  }
}
