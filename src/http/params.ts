/**
 * From the request's [key, value] pairs to typed action input: `name.N` keys become arrays (N may
 * start at 0 or 1 but must be consecutive, cmq-api-http.md §2.2) and repeated keys are refused;
 * the action's zod schema then validates the rest (src/contract/cmq-zod.ts `parseParams`), so
 * malformed input never reaches the domain.
 * @module
 */
import { fail } from "../domain/errors";

export type ParamInput = Record<string, string | string[]>;

const ARRAY_KEY = /^(.+)\.(\d{1,4})$/;

/** Keys are trimmed for lookup (GONK sends "searchWord " with a space); the signature used them raw. */
export function collectParams(pairs: readonly (readonly [string, string])[]): ParamInput {
  const scalars = new Map<string, string>();
  const arrays = new Map<string, Map<number, string>>();
  for (const [rawKey, value] of pairs) {
    const key = rawKey.trim();
    const match = ARRAY_KEY.exec(key);
    if (match) {
      const base = match[1] as string;
      const index = Number(match[2]);
      const items = arrays.get(base) ?? new Map<number, string>();
      if (items.has(index)) fail({ kind: "parameterNotRepeatable", name: key });
      items.set(index, value);
      arrays.set(base, items);
    } else {
      if (scalars.has(key)) fail({ kind: "parameterNotRepeatable", name: key });
      scalars.set(key, value);
    }
  }
  const input: ParamInput = Object.fromEntries(scalars);
  for (const [base, items] of arrays) {
    const indices = [...items.keys()].sort((a, b) => a - b);
    const first = indices[0] ?? 0;
    if (first > 1 || indices.some((index, i) => index !== first + i)) {
      fail({ kind: "arrayNotConsecutive", name: base });
    }
    input[base] = indices.map((index) => items.get(index) as string);
  }
  return input;
}
