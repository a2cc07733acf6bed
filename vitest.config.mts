import { availableParallelism } from "node:os";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildConsole } from "./console/build.ts";
import { localDefaults } from "./local/local-defaults.ts";
import { TEST_CREDENTIALS } from "./test/helpers/test-credentials.ts";

// wrangler.toml requires these secrets, and the worker pool looks for them in the environment when
// it reads the config (else it warns they are missing): the local defaults, as `npm run dev` has them.
for (const [name, value] of Object.entries(localDefaults())) process.env[name] ||= value;

// The console's files are the Worker's static assets (wrangler.toml [assets]): there before any
// project serves the Worker, whichever command started vitest.
await buildConsole();

export default defineConfig({
  test: {
    // .ci/run reads the JSON report for its "N passed, M failed" line.
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    // Two files at a time even on two cores (vitest's default there is one): most files spend
    // their time waiting on real processes, sockets and long polls. On this 2-core machine the
    // suite went from ~7.5 to ~3.7 minutes, every test still passing.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "test/domain/**/*.test.ts",
            "test/http/**/*.test.ts",
            "test/bridge/unit/**/*.test.ts",
            "test/client/unit/**/*.test.ts",
            "test/cli/unit/**/*.test.ts",
            "test/console/**/*.test.ts",
            // Dry-run deploys (a second or two each, run together): no local default ships.
            "test/deploy/**/*.test.ts",
          ],
          environment: "node",
        },
      },
      {
        test: {
          name: "bridge",
          include: ["test/bridge/**/*.test.ts"],
          exclude: ["test/bridge/unit/**/*.test.ts"],
          environment: "node",
          // Each file starts a real Worker (wrangler) and a bridge; long polls take seconds.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "conformance",
          // One behaviour suite (*.case.test.ts) run by each transport's runner: the shared file
          // defines its tests only when a runner calls it, so it never runs on its own.
          include: ["test/conformance/**/*.test.ts"],
          exclude: ["test/conformance/**/*.case.test.ts"],
          environment: "node",
          // Each runner starts a real Worker and a bridge; long polls and delays take seconds.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "local",
          include: ["test/local/**/*.test.ts"],
          environment: "node",
          // Real `npm start` processes: each bundles the Worker and starts workerd and the bridge.
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "client",
          // cmq-edge/client against a real Worker and bridge, over both transports.
          include: ["test/client/**/*.test.ts"],
          exclude: ["test/client/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "cli",
          // `cmq-edge` run as a process against one `cmq-edge serve` (= npm start) for the project.
          include: ["test/cli/**/*.test.ts"],
          exclude: ["test/cli/unit/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/cli/serve.setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          // The web console in Debian's Chromium (installed by the setup when missing) against a
          // real local Worker served as npm start serves it.
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/chromium.setup.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "fault",
          include: ["test/fault/**/*.test.ts"],
          environment: "node",
          // Real wrangler dev and bridge processes, killed with SIGKILL and restarted round after
          // round; each test also sets its own timeout from its number of rounds.
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Two tenants, to prove isolation; the first is the local default credential.
            miniflare: {
              bindings: {
                CMQ_CREDENTIALS: JSON.stringify(TEST_CREDENTIALS),
                // The pool runs each exports.default.fetch as a request whose promises another
                // request cannot settle ("the creating request has already been completed"), so
                // shared object calls would hang here; the bridge, conformance and local projects
                // run them on real local serving.
                CMQ_COALESCE: "off",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          // Loopback HTTP endpoints that fail in each way a push can (topic-delivery tests).
          globalSetup: ["test/worker/push-endpoints.setup.ts"],
          // Long-poll tests hold requests open for a few seconds by design.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
