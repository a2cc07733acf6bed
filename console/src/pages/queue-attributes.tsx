/**
 * A queue's attributes as GetQueueAttributes answers them, each settable one edited in place and
 * saved with SetQueueAttributes (the Worker checks the range and says so when it refuses).
 * @module
 */
import type { Queue, QueueAttributes, QueueSettings } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { Outcome } from "../components/notice";
import { duration, time } from "../format";
import { useAction } from "../use-action";

type Editable = Exclude<keyof QueueSettings, "deadLetterPolicy" | "shards">;

interface Row {
  key: keyof QueueAttributes;
  label: string;
  show(a: QueueAttributes): string;
  editable?: Editable;
}

const seconds =
  (key: "pollingWaitSeconds" | "visibilityTimeout" | "msgRetentionSeconds" | "rewindSeconds") =>
  (a: QueueAttributes) =>
    duration(a[key]);

const ROWS: Row[] = [
  { key: "queueId", label: "queue id", show: (a) => a.queueId },
  {
    key: "visibilityTimeout",
    label: "visibilityTimeout",
    show: seconds("visibilityTimeout"),
    editable: "visibilityTimeout",
  },
  {
    key: "pollingWaitSeconds",
    label: "pollingWaitSeconds",
    show: seconds("pollingWaitSeconds"),
    editable: "pollingWaitSeconds",
  },
  {
    key: "maxMsgSize",
    label: "maxMsgSize",
    show: (a) => `${a.maxMsgSize} bytes`,
    editable: "maxMsgSize",
  },
  {
    key: "msgRetentionSeconds",
    label: "msgRetentionSeconds",
    show: seconds("msgRetentionSeconds"),
    editable: "msgRetentionSeconds",
  },
  {
    key: "rewindSeconds",
    label: "rewindSeconds",
    show: seconds("rewindSeconds"),
    editable: "rewindSeconds",
  },
  {
    key: "maxMsgHeapNum",
    label: "maxMsgHeapNum",
    show: (a) => String(a.maxMsgHeapNum),
    editable: "maxMsgHeapNum",
  },
  {
    key: "trace",
    label: "trace",
    show: (a) => (a.trace === 1 ? "1 (on)" : "0 (off)"),
    editable: "trace",
  },
  { key: "shards", label: "shards", show: (a) => String(a.shards) },
  { key: "createTime", label: "created", show: (a) => time(a.createTime) },
  { key: "lastModifyTime", label: "last modified", show: (a) => time(a.lastModifyTime) },
  { key: "minMsgTime", label: "oldest message", show: (a) => time(a.minMsgTime) },
  {
    key: "transactionMsgNum",
    label: "transaction messages",
    show: (a) => String(a.transactionMsgNum),
  },
];

export function QueueAttributesSection(props: {
  queue: Queue;
  attributes: QueueAttributes;
  onChange(): void;
}) {
  const [editing, setEditing] = useState<Editable | undefined>(undefined);
  const [value, setValue] = useState("");
  const action = useAction();
  const start = (key: Editable) => {
    setEditing(key);
    setValue(String(props.attributes[key]));
  };
  const save = action.onSubmit(async () => {
    if (!editing) return undefined;
    await props.queue.setAttributes({ [editing]: Number(value) } as QueueSettings);
    setEditing(undefined);
    props.onChange();
    return `Set ${editing} to ${value}.`;
  });
  return (
    <section class="panel" aria-label="Attributes">
      <h2>Attributes</h2>
      <table class="attributes">
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.key} data-attribute={row.key}>
              <th>{row.label}</th>
              {editing && editing === row.editable ? (
                <td colSpan={2}>
                  <form class="row" onSubmit={save} aria-label={`Edit ${row.key}`}>
                    <input
                      type="number"
                      aria-label={row.key}
                      value={value}
                      onInput={(e) => setValue(e.currentTarget.value)}
                    />
                    <button type="submit" disabled={action.busy}>
                      Save
                    </button>
                    <button type="button" class="link" onClick={() => setEditing(undefined)}>
                      Cancel
                    </button>
                  </form>
                </td>
              ) : (
                <>
                  <td>{row.show(props.attributes)}</td>
                  <td class="edit">
                    {row.editable && (
                      <button
                        type="button"
                        class="link"
                        aria-label={`Edit ${row.key}`}
                        onClick={() => row.editable && start(row.editable)}
                      >
                        Edit
                      </button>
                    )}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <Outcome outcome={action.outcome} />
    </section>
  );
}
