/** Searching a list by part of a name, as the person types, and how many of the list match. */
import { useState } from "preact/hooks";
import { count } from "../format";

export function useSearch<T>(rows: readonly T[] | undefined, nameOf: (row: T) => string) {
  const [search, setSearch] = useState("");
  const word = search.trim().toLowerCase();
  const shown = (rows ?? []).filter((row) => !word || nameOf(row).toLowerCase().includes(word));
  return { search, setSearch, word, shown };
}

export function SearchBox(props: {
  /** "queues", "topics". */
  what: string;
  search: ReturnType<typeof useSearch>;
  total: number | undefined;
}) {
  const { search, setSearch, shown } = props.search;
  const label = `Search ${props.what}`;
  return (
    <>
      <input
        type="search"
        placeholder={label}
        aria-label={label}
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
      />
      <span class="count">
        {props.total === undefined
          ? "loading…"
          : `${count(shown.length)} of ${count(props.total)} ${props.what}`}
      </span>
    </>
  );
}
