/**
 * Zod schemas that fail with CMQ errors: a check names the domain error it stands for (`reject`),
 * and `parseParams` turns the first failed check into that CmqError. Shared by the HTTP actions'
 * parameter schemas and the bridge contract, so both transports refuse bad input the same way.
 * @module
 */
import { z } from "zod";
import { CmqError, type CmqErrorData } from "../domain/errors";
import { NAME_PATTERN } from "../domain/limits";

/** A schema check's way to name the CMQ error for its failure. */
export interface CmqIssueParams {
  cmq: CmqErrorData;
}

/** Fails the check being refined with `cmq`. */
export function reject(ctx: z.core.$RefinementCtx, cmq: CmqErrorData): never {
  const params: CmqIssueParams = { cmq };
  ctx.addIssue({ code: "custom", message: cmq.kind, params });
  return z.NEVER;
}

/** A queue, topic or subscription name (CMQ's naming rule). */
export function nameParam(what: "queue" | "topic" | "subscription") {
  return z
    .string()
    .transform((value, ctx) =>
      NAME_PATTERN.test(value) ? value : reject(ctx, { kind: "invalidName", what, name: value }),
    );
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
