/**
 * The Prometheus text exposition format (version 0.0.4), written by the Worker's GET /metrics and
 * the bridge's: families of counters and gauges with their HELP and TYPE lines, label values
 * escaped. Hand-written because it is small and runtime-neutral; prom-client keeps a process-wide
 * registry and leans on Node built-ins, which a Worker has not.
 * @module
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; a counter's ends in `_total`. */
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: Sample[];
}

/** A family with one sample per item, `value(item)` labelled `labels(item)`. */
export function family<T>(
  name: string,
  type: MetricFamily["type"],
  help: string,
  items: readonly T[],
  labels: (item: T) => Labels,
  value: (item: T) => number,
): MetricFamily {
  return {
    name,
    type,
    help,
    samples: items.map((item) => ({ labels: labels(item), value: value(item) })),
  };
}

/** A family of one unlabelled sample. */
export function scalar(
  name: string,
  type: MetricFamily["type"],
  help: string,
  value: number,
): MetricFamily {
  return { name, type, help, samples: [{ labels: {}, value }] };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function sampleLine(name: string, sample: Sample): string {
  const pairs = Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  const labels = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
  return `${name}${labels} ${formatValue(sample.value)}`;
}

/** The exposition text: each family's HELP, TYPE and samples, ending in a newline. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const sample of f.samples) lines.push(sampleLine(f.name, sample));
  }
  return `${lines.join("\n")}\n`;
}
