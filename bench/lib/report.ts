/** Prints benchmark results as a table with ratios to a baseline, and saves them as JSON. */
import { mkdirSync, writeFileSync } from "node:fs";
import { type LoadResult, percentile } from "./load";

export interface Row {
  result: LoadResult;
  /** Name of the row this one is compared with. */
  versus?: string;
}

const rate = (r: LoadResult) => r.messages / r.seconds;

export function report(title: string, rows: Row[], figures: Record<string, number> = {}): void {
  const byName = new Map(rows.map((row) => [row.result.name, row.result]));
  console.log(`\n${title}`);
  console.log(
    [
      "scenario".padEnd(40),
      "conc".padStart(5),
      "msg/s".padStart(10),
      "req/s".padStart(9),
      "p50 ms".padStart(8),
      "p99 ms".padStart(8),
      "errors".padStart(7),
      "  ratio",
    ].join(""),
  );
  const json = rows.map(({ result, versus }) => {
    const base = versus ? byName.get(versus) : undefined;
    const ratio = base ? rate(result) / rate(base) : undefined;
    console.log(
      [
        result.name.padEnd(40),
        String(result.concurrency).padStart(5),
        rate(result).toFixed(0).padStart(10),
        (result.requests / result.seconds).toFixed(0).padStart(9),
        percentile(result.latencies, 50).toFixed(2).padStart(8),
        percentile(result.latencies, 99).toFixed(2).padStart(8),
        String(result.errors).padStart(7),
        ratio === undefined ? "" : `  ${ratio.toFixed(2)}× ${versus}`,
      ].join(""),
    );
    return {
      name: result.name,
      concurrency: result.concurrency,
      messagesPerSecond: rate(result),
      requestsPerSecond: result.requests / result.seconds,
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      errors: result.errors,
      versus,
      ratio,
    };
  });
  mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
  const file = new URL(
    `../results/${title.replace(/\W+/g, "-")}-${Date.now()}.json`,
    import.meta.url,
  );
  writeFileSync(
    file,
    `${JSON.stringify({ title, at: new Date().toISOString(), figures, rows: json }, null, 2)}\n`,
  );
  console.log(`saved ${file.pathname}`);
}
