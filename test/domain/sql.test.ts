/** The storage port's chunking, and the test adapter refusing what Durable Object SQLite refuses. */
import { describe, expect, it } from "vitest";
import { boundChunks, inList, MAX_BOUND_PARAMETERS } from "../../src/domain/sql";
import { memorySql } from "../helpers/node-sql";

describe("bound parameters (DO SQLite allows 100 per statement)", () => {
  it("refuses a statement binding 101 parameters, as DO SQLite does, and runs one with 100", () => {
    const sql = memorySql();
    sql.run("CREATE TABLE t (v INTEGER)");
    const values = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(sql.all(`SELECT v FROM t WHERE v IN ${inList(100)}`, ...values(100))).toEqual([]);
    expect(() => sql.all(`SELECT v FROM t WHERE v IN ${inList(101)}`, ...values(101))).toThrow(
      /too many SQL variables/,
    );
  });

  it.each([
    [0, 1, 0, []],
    [100, 1, 0, [100]],
    [101, 1, 0, [100, 1]],
    [100, 1, 2, [98, 2]],
    [500, 1, 1, [99, 99, 99, 99, 99, 5]],
    [1600, 3, 0, [...Array.from({ length: 48 }, () => 33), 16]],
  ])("cuts %i items of %i parameters, %i fixed, into %j", (n, each, fixed, sizes) => {
    const chunks = boundChunks(
      Array.from({ length: n }, (_, i) => i),
      each,
      fixed,
    );
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    expect(chunks.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const c of chunks)
      expect(c.length * each + fixed).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS);
  });
});
