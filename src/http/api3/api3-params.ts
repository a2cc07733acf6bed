/**
 * API 3.0 parameters: JSON bodies as they are, and the flattened `Tags.0.TagKey=k` pairs of GET
 * requests and the legacy form turned into the same shape. Every leaf of a flattened request is
 * text, so the schema helpers take numbers and booleans as JSON values or as their text.
 * @module
 */
import { z } from "zod";
import { reject } from "../../contract/cmq-zod";
import { fail } from "../../domain/errors";
import { NAME_PATTERN, type Range } from "../../domain/limits";
import { integerWithin } from "../param-schemas";

type Tree = { [key: string]: Tree | string };

const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);

function arrayOrObject(node: Tree, name: string): unknown {
  const keys = Object.keys(node);
  const children = (key: string) => {
    const child = node[key] as Tree | string;
    return typeof child === "string" ? child : arrayOrObject(child, `${name}.${key}`);
  };
  if (keys.length > 0 && keys.every((k) => /^\d{1,4}$/.test(k))) {
    const indexes = keys.map(Number).sort((a, b) => a - b);
    if (indexes.some((index, i) => index !== i)) fail({ kind: "arrayNotConsecutive", name });
    return indexes.map((i) => children(String(i)));
  }
  return Object.fromEntries(keys.map((k) => [k, children(k)]));
}

/** `A.0.B=x` pairs into `{ A: [{ B: "x" }] }`; indexes from 0, consecutive, each key once. */
export function unflatten(pairs: readonly (readonly [string, string])[]): Record<string, unknown> {
  const root: Tree = {};
  for (const [key, value] of pairs) {
    const path = key.split(".");
    if (path.some((segment) => segment === "" || UNSAFE.has(segment))) {
      fail({ kind: "malformedRequest", reason: `parameter name ${JSON.stringify(key)}` });
    }
    let node = root;
    for (const [i, segment] of path.entries()) {
      const existing = node[segment];
      if (i === path.length - 1) {
        if (existing !== undefined) fail({ kind: "parameterNotRepeatable", name: key });
        node[segment] = value;
      } else if (typeof existing === "string") {
        fail({ kind: "parameterNotRepeatable", name: key });
      } else {
        const child: Tree = existing ?? {};
        node[segment] = child;
        node = child;
      }
    }
  }
  return arrayOrObject(root, "") as Record<string, unknown>;
}

/** JSON null counts as absent: SDKs drop nulls, hand-written bodies may not. */
const absent = (v: unknown) => (v === null ? undefined : v);

/** An integer within `range`, as a JSON number or its decimal text. */
export function int(name: string, range: Range) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => integerWithin(String(value).trim(), name, range, ctx));
}

/**
 * An optional integer. 0 counts as unset when 0 is outside `range`: Terraform and other generated
 * clients send every optional field, the unset ones as their zero value.
 */
export function optionalInt(name: string, range: Range) {
  return z.preprocess(
    (v) => (absent(v) === undefined || (range.min > 0 && (v === 0 || v === "0")) ? undefined : v),
    int(name, range).optional(),
  );
}

/** An optional boolean, as JSON or as `true` / `false` text. */
export function optionalBool(name: string) {
  return z.preprocess(
    absent,
    z
      .union([z.boolean(), z.string()])
      .transform((value, ctx) => {
        if (typeof value === "boolean") return value;
        if (value === "true" || value === "false") return value === "true";
        return reject(ctx, { kind: "parameterType", name, expected: "boolean" });
      })
      .optional(),
  );
}

export function text() {
  return z.string();
}

export function optionalText() {
  return z.preprocess(absent, z.string().optional());
}

/** A queue, topic or subscription name (the API 2.0 rule). */
export function nameOf(what: "queue" | "topic" | "subscription") {
  return z
    .string()
    .transform((value, ctx) =>
      NAME_PATTERN.test(value) ? value : reject(ctx, { kind: "invalidName", what, name: value }),
    );
}

/** An optional list of strings of at most `max` items. */
export function optionalList(name: string, max: number) {
  return z.preprocess(
    absent,
    z
      .array(z.string())
      .transform((items, ctx) =>
        items.length <= max
          ? items
          : reject(ctx, { kind: "parameterOutOfRange", name, detail: `more than ${max} items` }),
      )
      .optional(),
  );
}

/** Tags: [{ TagKey, TagValue }]. Their limits are the catalog's check (entry-tags.ts). */
export function optionalTags() {
  return z.preprocess(
    absent,
    z
      .array(
        z.strictObject({
          TagKey: z.string(),
          TagValue: z.preprocess(absent, z.string().optional()),
        }),
      )
      .transform((tags) => tags.map((t) => ({ key: t.TagKey, value: t.TagValue ?? "" })))
      .optional(),
  );
}

/** Filters: [{ Name: "tag:<key>", Values: [...] }]; only tag filters exist. */
export function optionalTagFilters(max: number, maxValues: number) {
  return z.preprocess(
    absent,
    z
      .array(
        z.strictObject({ Name: z.string(), Values: optionalList("Filters.Values", maxValues) }),
      )
      .transform((filters, ctx) => {
        if (filters.length > max) {
          return reject(ctx, {
            kind: "parameterOutOfRange",
            name: "Filters",
            detail: `more than ${max} filters`,
          });
        }
        const tags = [];
        for (const f of filters) {
          if (!f.Name.startsWith("tag:") || f.Name.length === 4) {
            return reject(ctx, {
              kind: "unsupportedValue",
              name: "Filters.Name",
              reason: `${JSON.stringify(f.Name)}: only tag filters exist, named tag:<key>`,
            });
          }
          tags.push({ key: f.Name.slice(4), values: f.Values ?? [] });
        }
        return tags;
      })
      .optional(),
  );
}
