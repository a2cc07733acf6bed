/**
 * Option parsers shared by the command groups. Only the shape is checked here (a whole number,
 * one of a list); ranges are the server's to check, so its error line, with CMQ's code, is the
 * one a user sees and the CLI never keeps a second copy of CMQ's limits.
 * @module
 */
import type { ListOptions } from "cmq-edge/client";
import { type Command, InvalidArgumentError } from "commander";

/** A whole number ≥ `min`. */
export function integer(min = 0): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InvalidArgumentError(`expected a whole number${min > 0 ? ` ≥ ${min}` : ""}.`);
    }
    return Number(value);
  };
}

/** For repeatable options (`--tag a --tag b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** One of `choices`, mapped to its value. */
export function oneOf<T>(choices: Record<string, T>): (value: string) => T {
  return (value) => {
    if (!Object.hasOwn(choices, value)) {
      throw new InvalidArgumentError(`expected one of ${Object.keys(choices).join(", ")}.`);
    }
    return choices[value] as T;
  };
}

/** Paging through a list action 50 (CMQ's largest page) at a time, until `totalCount`. */
export async function allPages<T>(
  page: (offset: number, limit: number) => Promise<{ totalCount: number; items: T[] }>,
  limit?: number,
): Promise<{ totalCount: number; items: T[] }> {
  const items: T[] = [];
  let totalCount = 0;
  for (;;) {
    const size = Math.min(50, limit === undefined ? 50 : limit - items.length);
    if (size <= 0) break;
    const got = await page(items.length, size);
    totalCount = got.totalCount;
    items.push(...got.items);
    if (got.items.length < size || items.length >= totalCount) break;
  }
  return { totalCount, items };
}

export interface ListFlags {
  search?: string;
  limit?: number;
}

/** --search and --limit, as every list command takes them. */
export function withListFlags(command: Command, what: string): Command {
  return command
    .option("--search <word>", "only names containing word")
    .option("--limit <n>", `at most n ${what} (default: all)`, integer(1));
}

/** Every page of a list (or up to --limit), each asked for with the flags and `signal`. */
export function listAll<T>(
  flags: ListFlags,
  signal: AbortSignal,
  page: (query: ListOptions) => Promise<{ totalCount: number; items: T[] }>,
) {
  return allPages(
    (offset, limit) => page({ searchWord: flags.search, offset, limit, signal }),
    flags.limit,
  );
}
