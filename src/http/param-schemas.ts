/**
 * Zod building blocks for CMQ parameters. Every value arrives as text; these turn it into typed
 * values and name the CMQ error for each failed check. Ranges come from src/domain/limits.ts.
 * @module
 */
import { z } from "zod";
import { reject } from "../contract/cmq-zod";
import type { CmqErrorData } from "../domain/errors";
import { parseUint64 } from "../domain/ids";
import { MAX_BATCH, type Range, type RangeWithDefault } from "../domain/limits";

type Ctx = z.core.$RefinementCtx;

/**
 * An integer in `range`. `name` labels errors. An empty value counts as absent: SDKs send
 * `rewindSeconds=` or `routingKey=` for unset fields. `outOfRange` is the error for a value
 * outside the range where CMQ has its own (cmq-api-http.md §6), else parameterOutOfRange.
 */
export function intParam(name: string, range: Range, outOfRange?: CmqErrorData) {
  return z.string().transform((value, ctx) => integerWithin(value, name, range, ctx, outOfRange));
}

/**
 * Decimal `text` as an integer in `range`, or the CMQ error for it (API 3.0's schemas too);
 * `outOfRange` replaces the generic range error where CMQ has its own code.
 */
export function integerWithin(
  text: string,
  name: string,
  range: Range,
  ctx: Ctx,
  outOfRange?: CmqErrorData,
): number {
  if (!/^-?[0-9]{1,16}$/.test(text)) {
    return reject(ctx, { kind: "parameterType", name, expected: "integer" });
  }
  const n = Number(text);
  if (n < range.min || n > range.max) {
    return reject(
      ctx,
      outOfRange ?? {
        kind: "parameterOutOfRange",
        name,
        detail: `${n} is not within ${range.min}-${range.max}`,
      },
    );
  }
  return n;
}

/** An optional integer: absent or empty gives undefined. */
export function optionalInt(name: string, range: Range, outOfRange?: CmqErrorData) {
  return z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(intParam(name, range, outOfRange).optional());
}

/**
 * A list action's paging parameters, `offset` within `offsets` and `limit` within `limits`; the
 * parsed values have CMQ's defaults filled in (offset 0, the default limit).
 */
export function pagingParams(offsets: Range, limits: RangeWithDefault) {
  return {
    searchWord: z.string().optional(),
    offset: optionalInt("offset", offsets).transform((v) => v ?? 0),
    limit: optionalInt("limit", limits).transform((v) => v ?? limits.default),
  };
}

/** The paging part of a list action's parsed input. */
export function pageQuery(input: { searchWord?: string; offset: number; limit: number }) {
  return { searchWord: input.searchWord, offset: input.offset, limit: input.limit };
}

/** A non-empty message body (size against the queue's maxMsgSize is the domain's check). */
export function bodyParam() {
  return z
    .string()
    .transform((value, ctx) =>
      value.length > 0 ? value : reject(ctx, { kind: "emptyMessageBody" }),
    );
}

/** A `name.N` array of 1–16 items. */
export function batchParam<T extends z.ZodType<unknown, string>>(name: string, item: T) {
  return z
    .array(item)
    .transform((items, ctx) =>
      items.length >= 1 && items.length <= MAX_BATCH
        ? items
        : reject(ctx, { kind: "batchSizeOutOfRange", name, max: MAX_BATCH }),
    );
}

/** A receipt handle: a decimal uint64 (src/domain/ids.ts). */
export function receiptHandleParam() {
  return z.string().transform((value, ctx) => {
    const handle = parseUint64(value);
    return handle ?? reject(ctx, { kind: "receiptHandleMalformed" });
  });
}
