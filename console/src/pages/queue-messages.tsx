/**
 * A queue's messages by hand: send one, peek at what a receive would take (EdgePeekMessages:
 * changes nothing), receive with a receipt handle and then delete or release each, or receive and
 * delete at once.
 * @module
 */
import type { Message, PeekedMessage, Queue } from "cmq-edge/client/http";
import { useState } from "preact/hooks";
import { type ExtraColumn, MessageTable } from "../components/message-table";
import { Outcome } from "../components/notice";
import { time } from "../format";
import { useAction } from "../use-action";

interface Props {
  queue: Queue;
  onChange(): void;
  onTrace(msgId: string): void;
}

const PEEK_COLUMNS: ExtraColumn<PeekedMessage>[] = [
  {
    header: "State",
    cell: (m) =>
      m.state === "inFlight" ? `in flight until ${time(m.nextVisibleTime)}` : "visible",
  },
  { header: "Enqueued", cell: (m) => time(m.enqueueTime) },
];

const HELD_COLUMNS: ExtraColumn<Message>[] = [
  { header: "Held until", cell: (m) => time(m.nextVisibleTime) },
];

function TraceButton(props: { msgId: string; onTrace(msgId: string): void }) {
  return (
    <button type="button" class="link" onClick={() => props.onTrace(props.msgId)}>
      Trace
    </button>
  );
}

export function QueueMessagesSection(props: Props) {
  return (
    <section class="panel" aria-label="Messages">
      <h2>Messages</h2>
      <SendForm {...props} />
      <Peek {...props} />
      <Receive {...props} />
    </section>
  );
}

function SendForm({ queue, onChange }: Props) {
  const [body, setBody] = useState("");
  const [delay, setDelay] = useState("0");
  const action = useAction();
  const submit = action.onSubmit(async () => {
    const id = await queue.send(body, { delaySeconds: Number(delay) });
    setBody("");
    onChange();
    return `Sent message ${id}.`;
  });
  return (
    <form onSubmit={submit} aria-label="Send a message">
      <h3>Send</h3>
      <textarea
        aria-label="Message body"
        placeholder="message body"
        rows={3}
        required
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      <div class="row">
        <label>
          delay (s)
          <input
            type="number"
            min={0}
            class="short"
            value={delay}
            onInput={(e) => setDelay(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Send
        </button>
      </div>
      <Outcome outcome={action.outcome} />
    </form>
  );
}

function Peek({ queue, onTrace }: Props) {
  const [inFlight, setInFlight] = useState(false);
  const [peeked, setPeeked] = useState<PeekedMessage[] | undefined>(undefined);
  const action = useAction();
  const peek = () =>
    action.run(async () => {
      const messages = await queue.peek(16, { inFlight });
      setPeeked(messages);
      return messages.length === 0 ? "Nothing to peek at." : undefined;
    });
  return (
    <section class="part" aria-label="Peek">
      <h3>Peek</h3>
      <div class="row">
        <button type="button" onClick={peek} disabled={action.busy}>
          Peek
        </button>
        <label class="check">
          <input
            type="checkbox"
            checked={inFlight}
            onChange={(e) => setInFlight(e.currentTarget.checked)}
          />
          include in flight
        </label>
        <span class="hint">looks without taking: no receipt handle, no count</span>
      </div>
      <Outcome outcome={action.outcome} />
      {peeked && peeked.length > 0 && (
        <MessageTable
          label="Peeked messages"
          messages={peeked}
          rowKey={(m) => m.msgId}
          extra={PEEK_COLUMNS}
          actions={(m) => <TraceButton msgId={m.msgId} onTrace={onTrace} />}
        />
      )}
    </section>
  );
}

function Receive({ queue, onChange, onTrace }: Props) {
  const [max, setMax] = useState("1");
  const [wait, setWait] = useState("0");
  const [held, setHeld] = useState<Message[]>([]);
  const action = useAction();
  const receive = (andDelete: boolean) =>
    action.run(async () => {
      const messages = await queue.receiveBatch(Number(max), { wait: Number(wait) });
      if (messages.length === 0) return "No message.";
      if (andDelete) {
        const failed = await queue.deleteBatch(messages.map((m) => m.receiptHandle));
        onChange();
        if (failed.length > 0)
          throw new Error(`${failed.length} did not delete: ${failed[0]?.message}`);
        return `Received and deleted ${messages.map((m) => m.msgId).join(", ")}.`;
      }
      setHeld((h) => [...messages, ...h]);
      onChange();
      return undefined;
    });
  const settle = (message: Message, how: "delete" | "release") =>
    action.run(async () => {
      await (how === "delete" ? message.delete() : message.release());
      setHeld((h) => h.filter((m) => m !== message));
      onChange();
      return how === "delete"
        ? `Deleted ${message.msgId}.`
        : `Released ${message.msgId}: visible again.`;
    });
  return (
    <section class="part" aria-label="Receive">
      <h3>Receive</h3>
      <div class="row">
        <label>
          up to
          <input
            type="number"
            min={1}
            max={16}
            class="short"
            value={max}
            onInput={(e) => setMax(e.currentTarget.value)}
          />
        </label>
        <label>
          wait (s)
          <input
            type="number"
            min={0}
            max={30}
            class="short"
            value={wait}
            onInput={(e) => setWait(e.currentTarget.value)}
          />
        </label>
        <button type="button" onClick={() => receive(false)} disabled={action.busy}>
          Receive
        </button>
        <button type="button" onClick={() => receive(true)} disabled={action.busy}>
          Receive and delete
        </button>
      </div>
      <Outcome outcome={action.outcome} />
      {held.length > 0 && (
        <MessageTable
          label="Received messages"
          messages={held}
          rowKey={(m) => m.receiptHandle}
          extra={HELD_COLUMNS}
          actions={(m) => (
            <>
              <button type="button" onClick={() => settle(m, "delete")} disabled={action.busy}>
                Delete
              </button>
              <button type="button" onClick={() => settle(m, "release")} disabled={action.busy}>
                Release
              </button>
              <TraceButton msgId={m.msgId} onTrace={onTrace} />
            </>
          )}
        />
      )}
    </section>
  );
}
