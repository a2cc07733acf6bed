/**
 * What the CLI prints: for people, tables (cli-table3, borderless as kubectl prints them) and
 * plain lines; with --json, one JSON document per command, or one JSON object per line (NDJSON)
 * for the commands that stream messages. Notes for people go to stderr, never into the data.
 * @module
 */
import Table from "cli-table3";

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  align?: "left" | "right";
}

/** A table without borders: a header row, then one line per row, columns two spaces apart. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? "left"),
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
  });
  for (const row of rows) table.push(columns.map((c) => String(c.value(row))));
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/** Name/value lines, the names aligned: one queue's or topic's attributes. */
export function formatFields(fields: Record<string, unknown>): string {
  const rows = Object.entries(fields).map(([name, value]) => ({
    name,
    value: typeof value === "object" && value !== null ? JSON.stringify(value) : String(value),
  }));
  return formatTable(rows, [
    { header: "ATTRIBUTE", value: (r) => r.name },
    { header: "VALUE", value: (r) => r.value },
  ]);
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** A command's one result: `value` as JSON, or `human()` for people. */
  result(value: unknown, human: () => string): void {
    this.write(this.json ? JSON.stringify(value, null, 2) : human());
  }

  /** One item of a stream (a message sent, received, seen): a JSON line, or `human`. */
  item(value: unknown, human: string): void {
    this.write(this.json ? JSON.stringify(value) : human);
  }

  /** For people only (progress, "no message"), on stderr so it never mixes with data. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  private write(text: string): void {
    if (text !== "") this.stdout.write(`${text}\n`);
  }
}
