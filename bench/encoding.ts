/**
 * The bridge ↔ Worker hop's encoding, JSON (what the hop uses) against MessagePack (a compact binary
 * form with 64-bit integers, so ids and handles stay numbers end to end), on the two shapes that
 * carry messages: a coalesced send call of `--messages` single-message groups, and a consume reply
 * with as many messages. Each row gives the CPU each side spends on them, Worker and bridge apart:
 * the Worker's one workerd thread is what bounds throughput, the bridge has a core of its own. Text
 * conversions of bodies and ids count where they happen. Both ends are V8, as in workerd, so timing
 * them here in one Node process compares like with like.
 *
 *   npm run bench:encoding -- [--messages 64] [--seconds 2]
 */
import { parseArgs } from "node:util";
import { decode, encode } from "@msgpack/msgpack";
import type { BridgeMessage } from "../src/contract/bridge-results";
import type { ReceivedMessage } from "../src/domain/queue/receive";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "64" },
    seconds: { type: "string", default: "2" },
  },
});
const count = Number(values.messages);
const seconds = Number(values.seconds);

const BODY_BYTES = new TextEncoder().encode("x".repeat(1024));
const text = new TextDecoder();
const bytes = new TextEncoder();
const packing = { useBigInt64: true } as const;

type Received = ReceivedMessage;

const ID = 1_796_000_000_123_456_789n;
const received: Received[] = Array.from({ length: count }, (_, i) => ({
  msgId: ID + BigInt(i),
  receiptHandle: (ID + BigInt(i)) * 3n,
  body: text.decode(BODY_BYTES),
  enqueueTime: 1_796_000_000_000 + i,
  firstDequeueTime: 1_796_000_000_500 + i,
  nextVisibleTime: 1_796_000_030_500 + i,
  dequeueCount: 1,
}));
/** The protobuf frames' bodies, as the bridge holds them before it calls the Worker. */
const frameBodies: Uint8Array[] = Array.from({ length: count }, () => BODY_BYTES);

/** The hop's four steps; the encoders return the wire for the decoders that follow them. */
interface Form {
  name: string;
  bridgeEncodesSend(): Uint8Array | string;
  workerDecodesSend(wire: Uint8Array | string): number;
  workerEncodesReply(): Uint8Array | string;
  bridgeDecodesReply(wire: Uint8Array | string): number;
}

const sendCall = <Body>(bodies: Body[]) => ({
  op: "send",
  appId: "1250000000",
  queue: "orders",
  groups: bodies.map((body) => ({ bodies: [body], delaySeconds: 0 })),
});
const replyOf = <M>(messages: M[]) => ({ ok: true, value: { deleted: [], messages } });

const json: Form = {
  name: "JSON, ids as decimal strings",
  bridgeEncodesSend: () => JSON.stringify(sendCall(frameBodies.map((b) => text.decode(b)))),
  workerDecodesSend: (wire) => JSON.parse(wire as string).groups.length,
  workerEncodesReply: () =>
    JSON.stringify(
      replyOf(
        received.map(
          (m): BridgeMessage => ({
            ...m,
            msgId: m.msgId.toString(),
            receiptHandle: m.receiptHandle.toString(),
          }),
        ),
      ),
    ),
  bridgeDecodesReply(wire) {
    const parsed = JSON.parse(wire as string) as ReturnType<typeof replyOf<BridgeMessage>>;
    let n = 0;
    for (const m of parsed.value.messages) {
      n += Number(BigInt(m.msgId) & 1n) + Number(BigInt(m.receiptHandle) & 1n);
      n += bytes.encode(m.body).length;
    }
    return n;
  },
};

const msgpack: Form = {
  name: "MessagePack, ids as 64-bit integers",
  bridgeEncodesSend: () => encode(sendCall(frameBodies.map((b) => text.decode(b))), packing),
  workerDecodesSend: (wire) =>
    (decode(wire as Uint8Array, packing) as ReturnType<typeof sendCall>).groups.length,
  workerEncodesReply: () => encode(replyOf(received), packing),
  bridgeDecodesReply(wire) {
    const parsed = decode(wire as Uint8Array, packing) as ReturnType<typeof replyOf<Received>>;
    let n = 0;
    for (const m of parsed.value.messages) {
      n += Number(m.msgId & 1n) + Number(m.receiptHandle & 1n) + bytes.encode(m.body).length;
    }
    return n;
  },
};

type ByteMessage = Omit<Received, "body"> & { body: Uint8Array };

const msgpackBytes: Form = {
  name: "MessagePack, bodies as bytes",
  bridgeEncodesSend: () => encode(sendCall(frameBodies), packing),
  // The Worker still needs text to store them.
  workerDecodesSend(wire) {
    const call = decode(wire as Uint8Array, packing) as ReturnType<typeof sendCall<Uint8Array>>;
    let n = 0;
    for (const g of call.groups) n += text.decode(g.bodies[0]).length;
    return n;
  },
  workerEncodesReply: () =>
    encode(
      replyOf(received.map((m): ByteMessage => ({ ...m, body: bytes.encode(m.body) }))),
      packing,
    ),
  bridgeDecodesReply(wire) {
    const parsed = decode(wire as Uint8Array, packing) as ReturnType<typeof replyOf<ByteMessage>>;
    let n = 0;
    for (const m of parsed.value.messages) n += Number(m.msgId & 1n) + m.body.length;
    return n;
  },
};

/** Calls per second of `fn` over `seconds`, after a warm-up of a quarter of that. */
function callsPerSecond(fn: () => number): number {
  let sink = 0;
  const warmEnd = performance.now() + (seconds * 1000) / 4;
  while (performance.now() < warmEnd) sink += fn();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    sink += fn();
    calls++;
  }
  if (sink < 0) console.log(sink);
  return calls / ((performance.now() - start) / 1000);
}

const forms = [json, msgpack, msgpackBytes];
const rows = forms.map((form) => {
  const sendWire = form.bridgeEncodesSend();
  const replyWire = form.workerEncodesReply();
  const worker =
    1 / callsPerSecond(() => form.workerDecodesSend(sendWire)) +
    1 /
      callsPerSecond(() => {
        form.workerEncodesReply();
        return 1;
      });
  const bridge =
    1 /
      callsPerSecond(() => {
        form.bridgeEncodesSend();
        return 1;
      }) +
    1 / callsPerSecond(() => form.bridgeDecodesReply(replyWire));
  return { name: form.name, worker, bridge };
});
const base = rows[0] as (typeof rows)[number];
console.log(
  `\nbridge ↔ Worker encoding: a send call and a consume reply of ${count} messages of 1 KiB`,
);
console.log(
  `${"form".padEnd(38)}${"Worker µs".padStart(11)}${"ratio".padStart(8)}${"bridge µs".padStart(11)}${"ratio".padStart(8)}`,
);
for (const row of rows) {
  console.log(
    [
      row.name.padEnd(38),
      (row.worker * 1e6).toFixed(1).padStart(11),
      `${(row.worker / base.worker).toFixed(2)}×`.padStart(8),
      (row.bridge * 1e6).toFixed(1).padStart(11),
      `${(row.bridge / base.bridge).toFixed(2)}×`.padStart(8),
    ].join(""),
  );
}
console.log(
  "µs: CPU per send call plus consume reply on that side; ratio: ÷ JSON's (below 1 is cheaper)",
);
