/**
 * From the request's [key, value] pairs to typed action input: `name.N` keys become arrays (N may
 * start at 0 or 1 but must be consecutive, cmq-api-http.md §2.2), repeated keys are refused, and
 * the action's zod schema validates the rest. Schema failures become CmqErrors here, so malformed
 * input never reaches the domain.
 * @module
 */
import type { z } from "zod";
import { CmqError, type CmqErrorData, fail } from "../domain/errors";

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

/** A schema helper's way to name the CMQ error for a failed check (see param-schemas.ts). */
export interface CmqIssueParams {
  cmq: CmqErrorData;
}

function issueToError(issue: z.core.$ZodIssue): CmqErrorData {
  const name = issue.path.map(String).join(".") || "parameters";
  const params = (issue as { params?: Partial<CmqIssueParams> }).params;
  if (params?.cmq) return params.cmq;
  // Strict schemas (API 3.0's) name the parameters they do not know.
  if (issue.code === "unrecognized_keys") {
    const prefix = issue.path.length > 0 ? `${name}.` : "";
    return { kind: "unknownParameter", name: issue.keys.map((k) => prefix + k).join(", ") };
  }
  if (issue.code === "invalid_type") {
    return issue.input === undefined
      ? { kind: "missingParameter", name }
      : { kind: "parameterType", name, expected: issue.expected };
  }
  if (issue.code === "too_big" || issue.code === "too_small") {
    return { kind: "parameterOutOfRange", name, detail: issue.message };
  }
  return { kind: "parameterType", name, expected: issue.message };
}

/**
 * Validates `input` (collected parameters, or the bridge route's JSON) against `schema`; the first
 * problem becomes the CMQ error.
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CmqError(issue ? issueToError(issue) : { kind: "internal" });
}
