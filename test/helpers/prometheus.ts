/**
 * Reads a /metrics answer with a real Prometheus text-format parser (parse-prometheus-text-format,
 * a port of the official Python client's sample parser), then holds it to Prometheus' naming
 * conventions: valid metric and label names, HELP and TYPE on every family, each family once,
 * counters named `_total` and never negative, each series once. Values are looked up by name and
 * labels, never by matching text.
 */
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface Exposition {
  families: ParsedFamily[];
  /** The family's type, lower case; undefined when absent. */
  type(name: string): string | undefined;
  /** Every series of the family whose labels include `labels`. */
  series(
    name: string,
    labels?: Record<string, string>,
  ): { labels: Record<string, string>; value: number }[];
  /** The one series of the family with exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

export function parseExposition(text: string): Exposition {
  const families = parsePrometheusTextFormat(text);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of families) {
    if (seen.has(f.name)) problems.push(`${f.name}: family appears twice`);
    seen.add(f.name);
    if (!METRIC_NAME.test(f.name)) problems.push(`${f.name}: not a metric name`);
    if (!f.name.startsWith("cmq_edge_"))
      problems.push(`${f.name}: outside the cmq_edge_ namespace`);
    if (f.help === "") problems.push(`${f.name}: no HELP`);
    if (f.type !== "COUNTER" && f.type !== "GAUGE") problems.push(`${f.name}: type ${f.type}`);
    if (f.type === "COUNTER" && !f.name.endsWith("_total"))
      problems.push(`${f.name}: counter without _total`);
    if (f.type === "GAUGE" && f.name.endsWith("_total"))
      problems.push(`${f.name}: gauge named _total`);
    const series = new Set<string>();
    for (const m of f.metrics) {
      const labels = m.labels ?? {};
      for (const name of Object.keys(labels))
        if (!LABEL_NAME.test(name) || name.startsWith("__"))
          problems.push(`${f.name}: label ${name}`);
      const key = JSON.stringify(Object.entries(labels).sort());
      if (series.has(key)) problems.push(`${f.name}${key}: series appears twice`);
      series.add(key);
      const value = Number(m.value);
      if (m.value === undefined || Number.isNaN(value))
        problems.push(`${f.name}${key}: value ${m.value}`);
      if (f.type === "COUNTER" && value < 0) problems.push(`${f.name}${key}: negative counter`);
    }
  }
  if (problems.length > 0) throw new Error(`not a well-formed exposition:\n${problems.join("\n")}`);
  const byName = new Map(families.map((f) => [f.name, f]));
  const series = (name: string, labels: Record<string, string> = {}) =>
    (byName.get(name)?.metrics ?? [])
      .map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }))
      .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    families,
    type: (name) => byName.get(name)?.type.toLowerCase(),
    series,
    value(name, labels = {}) {
      const exact = series(name, labels).filter(
        (s) => Object.keys(s.labels).length === Object.keys(labels).length,
      );
      return exact[0]?.value;
    },
  };
}
