/**
 * Message bodies from standard input, one a line, grouped for batch sends: a batch goes out when
 * it is full or when no further line is waiting, so a slow producer (`tail -f log | cmq-edge send`)
 * sees each line sent at once and a file is sent in full batches. Blank lines are skipped: CMQ
 * refuses an empty body.
 * @module
 */
import { createInterface } from "node:readline";

const IDLE = Symbol("idle");

/** Resolves after the lines already read have been handed out: one turn of the event loop. */
export function afterPendingLines(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

export function stdinLines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
}

/** `lines` in groups of 1–`size`; `idle` says when no line is waiting (tests pass their own). */
export async function* batches(
  lines: AsyncIterable<string>,
  size: number,
  idle: () => Promise<typeof IDLE> = afterPendingLines,
): AsyncGenerator<string[], void, undefined> {
  const source = lines[Symbol.asyncIterator]();
  let next = source.next();
  let batch: string[] = [];
  for (;;) {
    // With a batch begun, stop waiting once no line is ready; with none, wait for the next line.
    const got = batch.length > 0 ? await Promise.race([next, idle()]) : await next;
    if (got === IDLE) {
      yield batch;
      batch = [];
      continue;
    }
    if (got.done) break;
    next = source.next();
    if (got.value === "") continue;
    batch.push(got.value);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export { IDLE };
