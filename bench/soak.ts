/**
 * `npm run soak -- [--connections 1000] [--pollers 100] [--minutes 10]`: the long soak
 * (test/helpers/soak.ts). Prints a sample every 30 s and a table at the end: unexpected errors
 * (must be 0), bridge RSS at start and end, Worker latency per interval.
 */
import { parseArgs } from "node:util";
import { runSoak } from "../test/helpers/soak";

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "1000" },
    pollers: { type: "string", default: "100" },
    minutes: { type: "string", default: "10" },
    "interval-ms": { type: "string", default: "10000" },
  },
});

const report = await runSoak({
  connections: Number(values.connections),
  pollers: Number(values.pollers),
  seconds: Number(values.minutes) * 60,
  intervalMs: Number(values["interval-ms"]),
  sampleSeconds: 30,
  log: console.log,
});
console.log("\n  time s   bridge RSS MB   sends   received   errors   HTTP p50 ms   p99 ms");
for (const s of report.samples) {
  console.log(
    [s.atSeconds, s.bridgeRssMb, s.sends, s.received, s.errors, s.httpP50Ms, s.httpP99Ms]
      .map((v, i) => String(v).padStart([8, 15, 8, 11, 9, 14, 9][i] ?? 8))
      .join(""),
  );
}
const first = report.samples[0];
const last = report.samples.at(-1);
console.log(
  `\nunexpected errors: ${report.errors}${report.errorExamples.length ? ` (e.g. ${report.errorExamples[0]})` : ""}`,
);
console.log(`bridge RSS: ${first?.bridgeRssMb} MB at start, ${last?.bridgeRssMb} MB at the end`);
process.exit(report.errors === 0 ? 0 : 1);
