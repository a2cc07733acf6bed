// Prints the plain "N passed, M failed" line CI reads, and exits with the overall status.
// Runs on the machine's own Node (20), so it stays plain JavaScript.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText);
let passed = 0;
let failed = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  if (status !== 0 && failed === 0) failed = 1; // e.g. a suite that failed to load
} else if (status !== 0) {
  console.log("a check before the tests failed (typecheck, lint, format or bundle)");
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
