/**
 * Tags on a tenant's queues and topics (API 3.0's Tags, and Filters of `tag:<key>`). They live in
 * the catalog beside the names, so listing by tag is one indexed query and never asks the objects.
 * @module
 */
import { fail } from "../errors";
import { TAG_LIMITS } from "../limits";
import { nameKey } from "../object-names";
import type { SqlPort } from "../sql";

export interface Tag {
  key: string;
  value: string;
}

/** Entries with every one of these keys, each with one of its values (no values: any value). */
export interface TagFilter {
  key: string;
  values: string[];
}

export type TaggedKind = "queue" | "topic";

/** Fails with parameterOutOfRange on too many tags, a repeated key, or a key or value too long. */
export function checkTags(tags: readonly Tag[]): void {
  const bad = (detail: string) => fail({ kind: "parameterOutOfRange", name: "Tags", detail });
  if (tags.length > TAG_LIMITS.perResource) bad(`more than ${TAG_LIMITS.perResource} tags`);
  const keys = new Set<string>();
  for (const tag of tags) {
    if (tag.key.length === 0 || tag.key.length > TAG_LIMITS.keyLength) {
      bad(`a TagKey holds 1-${TAG_LIMITS.keyLength} characters`);
    }
    if (tag.value.length > TAG_LIMITS.valueLength) {
      bad(`a TagValue holds up to ${TAG_LIMITS.valueLength} characters`);
    }
    if (keys.has(tag.key)) bad(`TagKey ${JSON.stringify(tag.key)} appears twice`);
    keys.add(tag.key);
  }
}

/** Replaces the tags of one entry. In: kind, name, tags (checked). Out: entry_tag rows. */
export function setTags(sql: SqlPort, kind: TaggedKind, name: string, tags: readonly Tag[]): void {
  removeTags(sql, kind, name);
  for (const tag of tags) {
    sql.run(
      "INSERT INTO entry_tag (kind, name_key, tag_key, tag_value) VALUES (?, ?, ?, ?)",
      kind,
      nameKey(name),
      tag.key,
      tag.value,
    );
  }
}

export function removeTags(sql: SqlPort, kind: TaggedKind, name: string): void {
  sql.run("DELETE FROM entry_tag WHERE kind = ? AND name_key = ?", kind, nameKey(name));
}

/** The tags of each of `names` (name keys), in key order. */
export function tagsOf(sql: SqlPort, kind: TaggedKind, names: readonly string[]) {
  const byName = new Map<string, Tag[]>();
  if (names.length === 0) return byName;
  const rows = sql.all<{ name_key: string; tag_key: string; tag_value: string }>(
    `SELECT name_key, tag_key, tag_value FROM entry_tag
     WHERE kind = ? AND name_key IN (SELECT value FROM json_each(?)) ORDER BY name_key, tag_key`,
    kind,
    JSON.stringify(names.map(nameKey)),
  );
  for (const row of rows) {
    const tags = byName.get(row.name_key) ?? [];
    tags.push({ key: row.tag_key, value: row.tag_value });
    byName.set(row.name_key, tags);
  }
  return byName;
}

/**
 * SQL conditions (and their parameters) keeping the entries of `alias` that carry every filter's
 * key with one of its values. Three parameters per filter: TAG_LIMITS.filters bounds them.
 */
export function tagConditions(
  kind: TaggedKind,
  alias: string,
  filters: readonly TagFilter[],
): { where: string[]; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  for (const filter of filters) {
    const values =
      filter.values.length > 0 ? " AND t.tag_value IN (SELECT value FROM json_each(?))" : "";
    where.push(
      `EXISTS (SELECT 1 FROM entry_tag t WHERE t.kind = ? AND t.name_key = ${alias}.name_key AND t.tag_key = ?${values})`,
    );
    params.push(kind, filter.key);
    if (values) params.push(JSON.stringify(filter.values));
  }
  return { where, params };
}
