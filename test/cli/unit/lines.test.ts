/**
 * Standard input to message batches (cli/lines.ts): full batches from a file, a partial one as
 * soon as no further line is waiting, blank lines skipped. "No line waiting" is the test's own
 * signal here, so each case is decided by what the test says, not by timing.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { batches, IDLE, stdinLines } from "../../../cli/lines";

/** Lines the test hands out one by one; `idle()` resolves whenever the test says so. */
function source() {
  const queue: string[] = [];
  const waiting: ((r: IteratorResult<string>) => void)[] = [];
  let ended = false;
  let idleNow = Promise.withResolvers<typeof IDLE>();
  const iterable: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<string>>((resolve) => {
          const line = queue.shift();
          if (line !== undefined) resolve({ value: line, done: false });
          else if (ended) resolve({ value: undefined, done: true });
          else waiting.push(resolve);
        }),
    }),
  };
  return {
    iterable,
    push(line: string) {
      const next = waiting.shift();
      if (next) next({ value: line, done: false });
      else queue.push(line);
    },
    end() {
      ended = true;
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    },
    idle: () => idleNow.promise,
    goIdle() {
      idleNow.resolve(IDLE);
      idleNow = Promise.withResolvers();
    },
  };
}

describe("batches", () => {
  it("groups a whole file into full batches and a last one", async () => {
    const input = new PassThrough();
    input.end(["a", "b", "", "c", "d", "e"].join("\n"));
    const got: string[][] = [];
    for await (const batch of batches(stdinLines(input), 2)) got.push(batch);
    expect(got).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("sends a partial batch once no further line is waiting", async () => {
    const s = source();
    const it = batches(s.iterable, 16, s.idle);
    s.push("first");
    const first = it.next();
    // Nothing more is waiting: the batch of one goes now, not when 16 have come.
    await Promise.resolve();
    s.goIdle();
    expect(await first).toEqual({ value: ["first"], done: false });
    s.push("second");
    s.push("third");
    const next = it.next();
    await new Promise((r) => setImmediate(r));
    s.goIdle();
    expect(await next).toEqual({ value: ["second", "third"], done: false });
    s.end();
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("keeps whitespace-only lines: CMQ takes them as bodies", async () => {
    const input = new PassThrough();
    input.end("  \n\nx\n");
    const got: string[][] = [];
    for await (const batch of batches(stdinLines(input), 16)) got.push(batch);
    expect(got).toEqual([["  ", "x"]]);
  });
});
