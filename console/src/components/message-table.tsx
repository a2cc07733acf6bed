/**
 * Messages in a table: id, body and how often each was received, then what the caller adds
 * (state, times) and the buttons for each. Peeked and received messages share it.
 * @module
 */
import type { ComponentChildren } from "preact";

interface Shown {
  msgId: string;
  body: string;
  dequeueCount: number;
}

export interface ExtraColumn<T> {
  header: string;
  cell(message: T): ComponentChildren;
}

export function MessageTable<T extends Shown>(props: {
  label: string;
  messages: readonly T[];
  rowKey(message: T): string;
  extra: readonly ExtraColumn<T>[];
  actions(message: T): ComponentChildren;
}) {
  return (
    <table class="list" aria-label={props.label}>
      <thead>
        <tr>
          <th>Message id</th>
          <th>Body</th>
          <th class="numeric">Receives</th>
          {props.extra.map((c) => (
            <th key={c.header}>{c.header}</th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {props.messages.map((m) => (
          <tr key={props.rowKey(m)}>
            <td>
              <code>{m.msgId}</code>
            </td>
            <td class="body">{m.body}</td>
            <td class="numeric">{m.dequeueCount}</td>
            {props.extra.map((c) => (
              <td key={c.header}>{c.cell(m)}</td>
            ))}
            <td class="actions">{props.actions(m)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
