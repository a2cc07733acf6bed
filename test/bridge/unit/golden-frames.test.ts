/**
 * Golden frames for every request command the bridge reads (1020–1028, 1040, 1041) and every reply
 * it writes (ok, error, msgIds, pulled single and batch, deleted, confirmed, the 1042 check-back).
 * The SDK's bytes are used as captured (cmq-api-tcp.md "Hex fixtures"); the others were written by
 * hand from tcp-bridge/proto/cmq.proto's field numbers and wire types, never by the codec itself.
 */
import { describe, expect, it } from "vitest";
import { CMD } from "../../../tcp-bridge/src/codec/commands";
import { FrameReader, writeFrame } from "../../../tcp-bridge/src/codec/frame";
import { decodeReply, encodeReply, type TcpReply } from "../../../tcp-bridge/src/codec/replies";
import {
  decodeRequest,
  encodeRequest,
  type TcpRequest,
} from "../../../tcp-bridge/src/codec/requests";

/** A frame written one field a line, as below: what follows `//` on a line is a comment. */
function frameBytes(annotated: string): Uint8Array {
  const hex = annotated
    .split("\n")
    .map((line) => line.split("//")[0] ?? "")
    .join(" ")
    .trim()
    .split(/\s+/);
  return Uint8Array.from(hex, (b) => {
    if (!/^[0-9a-f]{2}$/.test(b)) throw new Error(`not a hex byte: ${b}`);
    return Number.parseInt(b, 16);
  });
}

const toHex = (bytes: Uint8Array) =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
const utf8 = (text: string) => new TextEncoder().encode(text);

/** The frame's body, read as the bridge reads it: exactly one frame, nothing left over. */
function bodyOf(frame: Uint8Array): Uint8Array {
  const reader = new FrameReader(1 << 20);
  const { frames, error } = reader.push(frame);
  expect(error).toBeUndefined();
  expect(frames).toHaveLength(1);
  expect(reader.pending).toBe(0);
  return frames[0] as Uint8Array;
}

const U64_MAX = 2n ** 64n - 1n;
/** Shard 1's sequence numbers: ids and handles above 2^53, as sharded queues hand them out. */
const SHARD_1 = 1n << 56n;

interface Golden<T> {
  name: string;
  frame: string;
  value: T;
}

// Fields the encoder always writes (delay_seconds, a pull's times) appear even when zero: proto2
// keeps explicit presence, and the SDK reads either form. Repeated scalars are unpacked (proto2).
const REQUESTS: Golden<TcpRequest>[] = [
  {
    name: "auth (1020), captured from the SDK",
    frame: `
    00 00 5f 00 00 00                                    // marker, length 95 (LE, header included)
    08 02                                                // 1 seqno = 2
    10 fc 07                                             // 2 cmd = 1020
    ba 0c 51                                             // 199 tcp_auth, 81 bytes
      0a 14                                              // 1 secret_id, 20 bytes: "AKIDselfcheckEXAMPLE"
        41 4b 49 44 73 65 6c 66 63 68 65 63 6b 45 58 41
        4d 50 4c 45
      12 1c                                              // 2 signature, 28 bytes: "djEC378ead19O0YuKnVfIQ…"
        64 6a 45 43 33 37 38 65 61 64 31 39 4f 30 59 75
        4b 6e 56 66 49 51 39 67 66 38 4d 3d
      1a 11                                              // 3 client_id, 17 bytes: "192.0.2.2@DEFAULT"
        31 39 32 2e 30 2e 32 2e 32 40 44 45 46 41 55 4c
        54
      22 08 48 6d 61 63 53 48 41 31                      // 4 signature_method = "HmacSHA1"`,
    value: {
      seqno: 2n,
      cmd: CMD.auth,
      oneway: false,
      kind: "auth",
      secretId: "AKIDselfcheckEXAMPLE",
      signature: "djEC378ead19O0YuKnVfIQ9gf8M=",
      clientId: "192.0.2.2@DEFAULT",
      signatureMethod: "HmacSHA1",
    },
  },
  {
    name: "send (1021), the SDK's message without its request_id",
    frame: `
    00 00 5b 00 00 00                                    // marker, length 91 (LE, header included)
    08 01                                                // 1 seqno = 1
    10 fd 07                                             // 2 cmd = 1021
    c2 0c 4d                                             // 200 tcp_send_msg, 77 bytes
      0a 0e                                              // 1 queue_name, 14 bytes: "jt3desjic-main"
        6a 74 33 64 65 73 6a 69 63 2d 6d 61 69 6e
      12 39                                              // 2 msgBody, 57 bytes: "send-0-héllo-世界-ed26da…"
        73 65 6e 64 2d 30 2d 68 c3 a9 6c 6c 6f 2d e4 b8
        96 e7 95 8c 2d 65 64 32 36 64 61 62 62 2d 61 65
        34 33 2d 34 36 34 32 2d 38 39 37 37 2d 31 36 32
        30 34 32 39 62 38 30 32 64
      18 00                                              // 3 delay_seconds = 0`,
    value: {
      seqno: 1n,
      cmd: CMD.send,
      oneway: false,
      kind: "send",
      batch: false,
      queue: "jt3desjic-main",
      bodies: [utf8("send-0-héllo-世界-ed26dabb-ae43-4642-8977-1620429b802d")],
      delaySeconds: 0,
    },
  },
  {
    name: "send (1021) of a transaction message",
    frame: `
    00 00 20 00 00 00          // marker, length 32 (LE, header included)
    08 05                      // 1 seqno = 5
    10 fd 07                   // 2 cmd = 1021
    c2 0c 12                   // 200 tcp_send_msg, 18 bytes
      0a 06 6f 72 64 65 72 73  // 1 queue_name = "orders"
      12 02 68 69              // 2 msgBody = "hi"
      18 00                    // 3 delay_seconds = 0
      20 01                    // 4 is_transaction = 1
      28 05                    // 5 first_query_interval = 5`,
    value: {
      seqno: 5n,
      cmd: CMD.send,
      oneway: false,
      kind: "send",
      batch: false,
      queue: "orders",
      bodies: [utf8("hi")],
      delaySeconds: 0,
      transaction: { firstQueryIntervalSeconds: 5 },
    },
  },
  {
    name: "batch send (1022) with a delay",
    frame: `
    00 00 23 00 00 00          // marker, length 35 (LE, header included)
    08 06                      // 1 seqno = 6
    10 fe 07                   // 2 cmd = 1022
    ca 0c 15                   // 201 tcp_batch_send_msg, 21 bytes
      0a 06 6f 72 64 65 72 73  // 1 queue_name = "orders"
      12 01 61                 // 2 msgBody = "a"
      12 06 68 c3 a9 6c 6c 6f  // 2 msgBody = "héllo"
      18 1e                    // 3 delay_seconds = 30`,
    value: {
      seqno: 6n,
      cmd: CMD.batchSend,
      oneway: false,
      kind: "send",
      batch: true,
      queue: "orders",
      bodies: [utf8("a"), utf8("héllo")],
      delaySeconds: 30,
    },
  },
  {
    name: "pull (1023), captured from the SDK",
    frame: `
    00 00 20 00 00 00                              // marker, length 32 (LE, header included)
    08 03                                          // 1 seqno = 3
    10 ff 07                                       // 2 cmd = 1023
    d2 0c 12                                       // 202 tcp_pull_msg, 18 bytes
      0a 0e                                        // 1 queue_name, 14 bytes: "jt3desjic-main"
        6a 74 33 64 65 73 6a 69 63 2d 6d 61 69 6e
      10 01                                        // 2 poll_wait_seconds = 1`,
    value: {
      seqno: 3n,
      cmd: CMD.pull,
      oneway: false,
      kind: "pull",
      batch: false,
      queue: "jt3desjic-main",
      max: 1,
      waitSeconds: 1,
    },
  },
  {
    name: "pull (1023) with no wait and a visibility timeout",
    frame: `
    00 00 1a 00 00 00          // marker, length 26 (LE, header included)
    08 08                      // 1 seqno = 8
    10 ff 07                   // 2 cmd = 1023
    d2 0c 0c                   // 202 tcp_pull_msg, 12 bytes
      0a 06 6f 72 64 65 72 73  // 1 queue_name = "orders"
      10 00                    // 2 poll_wait_seconds = 0
      18 2d                    // 3 visible_timeout = 45`,
    value: {
      seqno: 8n,
      cmd: CMD.pull,
      oneway: false,
      kind: "pull",
      batch: false,
      queue: "orders",
      max: 1,
      waitSeconds: 0,
      visibilityTimeoutSeconds: 45,
    },
  },
  {
    name: "batch pull (1024)",
    frame: `
    00 00 1a 00 00 00          // marker, length 26 (LE, header included)
    08 09                      // 1 seqno = 9
    10 80 08                   // 2 cmd = 1024
    e2 0c 0c                   // 204 tcp_batch_pull_msg, 12 bytes
      0a 06 6f 72 64 65 72 73  // 1 queue_name = "orders"
      10 10                    // 2 num_msg = 16
      18 1e                    // 3 poll_wait_seconds = 30`,
    value: {
      seqno: 9n,
      cmd: CMD.batchPull,
      oneway: false,
      kind: "pull",
      batch: true,
      queue: "orders",
      max: 16,
      waitSeconds: 30,
    },
  },
  {
    name: "delete (1025) of the largest uint64 handle",
    frame: `
    00 00 21 00 00 00                   // marker, length 33 (LE, header included)
    08 0a                               // 1 seqno = 10
    10 81 08                            // 2 cmd = 1025
    f2 0c 13                            // 206 tcp_delete_msg, 19 bytes
      0a 06 6f 72 64 65 72 73           // 1 queue_name = "orders"
      10 ff ff ff ff ff ff ff ff ff 01  // 2 receipt_handle = 18446744073709551615`,
    value: {
      seqno: 10n,
      cmd: CMD.delete,
      oneway: false,
      kind: "delete",
      batch: false,
      queue: "orders",
      handles: [U64_MAX],
    },
  },
  {
    name: "batch delete (1026)",
    frame: `
    00 00 2e 00 00 00                   // marker, length 46 (LE, header included)
    08 0b                               // 1 seqno = 11
    10 82 08                            // 2 cmd = 1026
    fa 0c 20                            // 207 tcp_batch_delete_msg, 32 bytes
      0a 06 6f 72 64 65 72 73           // 1 queue_name = "orders"
      10 01                             // 2 receipt_handle_list = 1
      10 85 80 80 80 80 80 80 80 80 01  // 2 receipt_handle_list = 9223372036854775813
      10 ff ff ff ff ff ff ff ff ff 01  // 2 receipt_handle_list = 18446744073709551615`,
    value: {
      seqno: 11n,
      cmd: CMD.batchDelete,
      oneway: false,
      kind: "delete",
      batch: true,
      queue: "orders",
      handles: [1n, 2n ** 63n + 5n, U64_MAX],
    },
  },
  {
    name: "publish (1027) with tags and a routing key",
    frame: `
    00 00 23 00 00 00    // marker, length 35 (LE, header included)
    08 0c                // 1 seqno = 12
    10 83 08             // 2 cmd = 1027
    82 0d 15             // 208 tcp_publish_msg, 21 bytes
      0a 04 6e 65 77 73  // 1 topic_name = "news"
      12 02 68 69        // 2 msgBody = "hi"
      1a 01 61           // 3 msgTags = "a"
      1a 01 62           // 3 msgTags = "b"
      22 03 78 2e 79     // 4 routing_key = "x.y"`,
    value: {
      seqno: 12n,
      cmd: CMD.publish,
      oneway: false,
      kind: "publish",
      batch: false,
      topic: "news",
      bodies: [utf8("hi")],
      tags: ["a", "b"],
      routingKey: "x.y",
    },
  },
  {
    name: "batch publish (1028)",
    frame: `
    00 00 1e 00 00 00    // marker, length 30 (LE, header included)
    08 0d                // 1 seqno = 13
    10 84 08             // 2 cmd = 1028
    8a 0d 10             // 209 tcp_batch_publish_msg, 16 bytes
      0a 04 6e 65 77 73  // 1 topic_name = "news"
      12 03 6f 6e 65     // 2 msgBody = "one"
      12 03 74 77 6f     // 2 msgBody = "two"`,
    value: {
      seqno: 13n,
      cmd: CMD.batchPublish,
      oneway: false,
      kind: "publish",
      batch: true,
      topic: "news",
      bodies: [utf8("one"), utf8("two")],
      tags: [],
    },
  },
  {
    name: "heartbeat (1040), captured from the SDK",
    frame: `
    00 00 0b 00 00 00  // marker, length 11 (LE, header included)
    08 04              // 1 seqno = 4
    10 90 08           // 2 cmd = 1040`,
    value: { seqno: 4n, cmd: CMD.heartbeat, oneway: false, kind: "heartbeat" },
  },
  {
    name: "one-way transaction confirm (1041): commit and rollback",
    frame: `
    00 00 2c 00 00 00                  // marker, length 44 (LE, header included)
    08 0e                              // 1 seqno = 14
    10 91 08                           // 2 cmd = 1041
    48 01                              // 9 is_oneway = 1
    ea 0d 1c                           // 221 transaction_confirm, 28 bytes
      0a 06 6f 72 64 65 72 73          // 1 queue_name = "orders"
      12 0c                            // 2 item, 12 bytes
        08 87 80 80 80 80 80 80 80 01  // 1 msg_id = 72057594037927943
        10 01                          // 2 state = 1
      12 04                            // 2 item, 4 bytes
        08 03                          // 1 msg_id = 3
        10 02                          // 2 state = 2`,
    value: {
      seqno: 14n,
      cmd: CMD.transactionConfirm,
      oneway: true,
      kind: "transactionConfirm",
      queue: "orders",
      items: [
        { msgId: SHARD_1 + 7n, state: 1 },
        { msgId: 3n, state: 2 },
      ],
    },
  },
];

const PULLED = {
  msgId: SHARD_1 + 5n,
  receiptHandle: U64_MAX,
  body: utf8("héllo"),
  enqueueTime: 1_700_000_000,
  nextVisibleTime: 1_700_000_030,
  firstDequeueTime: 1_700_000_001,
  dequeueCount: 1,
};

const REPLIES: Golden<TcpReply>[] = [
  {
    name: "auth accepted: head only",
    frame: `
    00 00 0b 00 00 00  // marker, length 11 (LE, header included)
    08 02              // 1 seqno = 2
    10 fc 07           // 2 cmd = 1020`,
    value: { seqno: 2n, cmd: CMD.auth, kind: "ok" },
  },
  {
    name: "delete done: head only",
    frame: `
    00 00 0b 00 00 00  // marker, length 11 (LE, header included)
    08 0a              // 1 seqno = 10
    10 81 08           // 2 cmd = 1025`,
    value: { seqno: 10n, cmd: CMD.delete, kind: "ok" },
  },
  {
    name: "heartbeat answered: the SDK's own 11 bytes",
    frame: `
    00 00 0b 00 00 00  // marker, length 11 (LE, header included)
    08 04              // 1 seqno = 4
    10 90 08           // 2 cmd = 1040`,
    value: { seqno: 4n, cmd: CMD.heartbeat, kind: "ok" },
  },
  {
    name: "no message (10200) after a pull's wait",
    frame: `
    00 00 21 00 00 00                                  // marker, length 33 (LE, header included)
    08 03                                              // 1 seqno = 3
    10 ff 07                                           // 2 cmd = 1023
    18 d8 4f                                           // 3 result = 10200
    22 11                                              // 4 error, 17 bytes: "(10200)no message"
      28 31 30 32 30 30 29 6e 6f 20 6d 65 73 73 61 67
      65`,
    value: { seqno: 3n, cmd: CMD.pull, kind: "error", result: 10200, error: "(10200)no message" },
  },
  {
    name: "not authenticated (306), on a negative seqno",
    frame: `
    00 00 58 00 00 00                                  // marker, length 88 (LE, header included)
    08 ff ff ff ff ff ff ff ff ff 01                   // 1 seqno = -1
    10 fd 07                                           // 2 cmd = 1021
    18 b2 02                                           // 3 result = 306
    22 3f                                              // 4 error, 63 bytes: "(10031)connection is n…"
      28 31 30 30 33 31 29 63 6f 6e 6e 65 63 74 69 6f
      6e 20 69 73 20 6e 6f 74 20 61 75 74 68 65 6e 74
      69 63 61 74 65 64 3a 20 73 65 6e 64 20 43 4d 51
      5f 54 43 50 5f 41 55 54 48 20 66 69 72 73 74`,
    value: {
      seqno: -1n,
      cmd: CMD.send,
      kind: "error",
      result: 306,
      error: "(10031)connection is not authenticated: send CMQ_TCP_AUTH first",
    },
  },
  {
    name: "message ids of a batch send",
    frame: `
    00 00 22 00 00 00                    // marker, length 34 (LE, header included)
    08 06                                // 1 seqno = 6
    10 fe 07                             // 2 cmd = 1022
    e8 01 81 80 80 80 80 80 80 80 01     // 29 msgids = 72057594037927937
    e8 01 ff ff ff ff ff ff ff ff ff 01  // 29 msgids = 18446744073709551615`,
    value: { seqno: 6n, cmd: CMD.batchSend, kind: "msgIds", ids: [SHARD_1 + 1n, U64_MAX] },
  },
  {
    name: "one pulled message",
    frame: `
    00 00 3f 00 00 00                   // marker, length 63 (LE, header included)
    08 03                               // 1 seqno = 3
    10 ff 07                            // 2 cmd = 1023
    d2 01 31                            // 26 pull_rsp, 49 bytes
      08 85 80 80 80 80 80 80 80 01     // 1 msg_id = 72057594037927941
      18 ff ff ff ff ff ff ff ff ff 01  // 3 receipt_handle = 18446744073709551615
      22 06 68 c3 a9 6c 6c 6f           // 4 msg_body = "héllo"
      28 80 e2 cf aa 06                 // 5 enqueue_time = 1700000000
      30 9e e2 cf aa 06                 // 6 next_visible_time = 1700000030
      38 81 e2 cf aa 06                 // 7 first_dequeue_time = 1700000001
      40 01                             // 8 dequeue_count = 1`,
    value: { seqno: 3n, cmd: CMD.pull, kind: "pulled", batch: false, messages: [PULLED] },
  },
  {
    name: "a batch pull with a dead-lettered message",
    frame: `
    00 00 7a 00 00 00                     // marker, length 122 (LE, header included)
    08 09                                 // 1 seqno = 9
    10 80 08                              // 2 cmd = 1024
    da 01 6c                              // 27 batch_pull_rsp, 108 bytes
      0a 31                               // 1 msg_list, 49 bytes
        08 85 80 80 80 80 80 80 80 01     // 1 msg_id = 72057594037927941
        18 ff ff ff ff ff ff ff ff ff 01  // 3 receipt_handle = 18446744073709551615
        22 06 68 c3 a9 6c 6c 6f           // 4 msg_body = "héllo"
        28 80 e2 cf aa 06                 // 5 enqueue_time = 1700000000
        30 9e e2 cf aa 06                 // 6 next_visible_time = 1700000030
        38 81 e2 cf aa 06                 // 7 first_dequeue_time = 1700000001
        40 01                             // 8 dequeue_count = 1
      0a 37                               // 1 msg_list, 55 bytes
        08 06                             // 1 msg_id = 6
        18 80 80 80 80 80 80 80 80 80 01  // 3 receipt_handle = 9223372036854775808
        22 04 64 65 61 64                 // 4 msg_body = "dead"
        28 e4 e2 cf aa 06                 // 5 enqueue_time = 1700000100
        30 82 e3 cf aa 06                 // 6 next_visible_time = 1700000130
        38 e5 e2 cf aa 06                 // 7 first_dequeue_time = 1700000101
        40 02                             // 8 dequeue_count = 2
        4a 06 6f 72 64 65 72 73           // 9 original_queue_id = "orders"
        50 98 da cf aa 06                 // 10 original_pub_tm = 1699999000
        58 03                             // 11 original_dequeue_cnt = 3`,
    value: {
      seqno: 9n,
      cmd: CMD.batchPull,
      kind: "pulled",
      batch: true,
      messages: [
        PULLED,
        {
          msgId: 6n,
          receiptHandle: 2n ** 63n,
          body: utf8("dead"),
          enqueueTime: 1_700_000_100,
          nextVisibleTime: 1_700_000_130,
          firstDequeueTime: 1_700_000_101,
          dequeueCount: 2,
          deadLetter: {
            originalQueue: "orders",
            originalPubTime: 1_699_999_000,
            originalDequeueCount: 3,
          },
        },
      ],
    },
  },
  {
    name: "a batch delete with a failed handle",
    frame: `
    00 00 35 00 00 00                                    // marker, length 53 (LE, header included)
    08 0b                                                // 1 seqno = 11
    10 82 08                                             // 2 cmd = 1026
    e2 01 27                                             // 28 del_result, 39 bytes
      08 02                                              // 1 receipt_handle = 2
      10 ce 22                                           // 2 err_code = 4430
      1a 20                                              // 3 err_msg, 32 bytes: "(10260)receipt handle …"
        28 31 30 32 36 30 29 72 65 63 65 69 70 74 20 68
        61 6e 64 6c 65 20 69 73 20 69 6e 76 61 6c 69 64`,
    value: {
      seqno: 11n,
      cmd: CMD.batchDelete,
      kind: "deleted",
      failures: [{ receiptHandle: 2n, code: 4430, message: "(10260)receipt handle is invalid" }],
    },
  },
  {
    name: "a batch delete that deleted every handle: head only",
    frame: `
    00 00 0b 00 00 00  // marker, length 11 (LE, header included)
    08 0b              // 1 seqno = 11
    10 82 08           // 2 cmd = 1026`,
    value: { seqno: 11n, cmd: CMD.batchDelete, kind: "deleted", failures: [] },
  },
  {
    name: "a two-way confirm, one item applied and one unknown (state 3)",
    frame: `
    00 00 35 00 00 00                                // marker, length 53 (LE, header included)
    08 0e                                            // 1 seqno = 14
    10 91 08                                         // 2 cmd = 1041
    f2 0d 27                                         // 222 transaction_confirm_reply, 39 bytes
      0a 06 6f 72 64 65 72 73                        // 1 queue_name = "orders"
      12 04                                          // 2 item, 4 bytes
        08 05                                        // 1 msg_id = 5
        10 01                                        // 2 state = 1
      12 17                                          // 2 item, 23 bytes
        08 06                                        // 1 msg_id = 6
        10 03                                        // 2 state = 3
        18 8a 23                                     // 3 err_code = 4490
        22 0e                                        // 4 err_msg, 14 bytes: "(10770)unknown"
          28 31 30 37 37 30 29 75 6e 6b 6e 6f 77 6e`,
    value: {
      seqno: 14n,
      cmd: CMD.transactionConfirm,
      kind: "confirmed",
      queue: "orders",
      items: [
        { msgId: 5n, state: 1 },
        { msgId: 6n, state: 3, errCode: 4490, errMsg: "(10770)unknown" },
      ],
    },
  },
  {
    name: "the server's transaction check-back (1042)",
    frame: `
    00 00 20 00 00 00                // marker, length 32 (LE, header included)
    08 01                            // 1 seqno = 1
    10 92 08                         // 2 cmd = 1042
    fa 0d 12                         // 223 transaction_query, 18 bytes
      0a 06 6f 72 64 65 72 73        // 1 queue_name = "orders"
      10 89 80 80 80 80 80 80 80 01  // 2 msg_id = 72057594037927945`,
    value: {
      seqno: 1n,
      cmd: CMD.transactionQuery,
      kind: "transactionQuery",
      queue: "orders",
      msgId: SHARD_1 + 9n,
    },
  },
];

/** Every reply kind, so that a new kind fails the compiler until it has a golden frame. */
const REPLY_KINDS: Record<TcpReply["kind"], true> = {
  ok: true,
  error: true,
  msgIds: true,
  pulled: true,
  deleted: true,
  confirmed: true,
  transactionQuery: true,
};

describe("golden request frames", () => {
  it("cover every command a client sends", () => {
    const clientCommands = Object.values(CMD).filter((cmd) => cmd !== CMD.transactionQuery);
    expect(new Set(REQUESTS.map((g) => g.value.cmd))).toEqual(new Set(clientCommands));
  });

  it.each(REQUESTS)("$name: decodes to the request", ({ frame, value }) => {
    expect(decodeRequest(bodyOf(frameBytes(frame)))).toEqual({ ok: true, request: value });
  });

  it.each(REQUESTS)("$name: encodes to exactly these bytes", ({ frame, value }) => {
    expect(toHex(writeFrame(encodeRequest(value)))).toBe(toHex(frameBytes(frame)));
  });

  it.each(REQUESTS)("$name: round-trips", ({ value }) => {
    expect(decodeRequest(encodeRequest(value))).toEqual({ ok: true, request: value });
  });

  it("reads the SDK's captured send, request_id and all, as the send above", () => {
    const captured = frameBytes(`
    00 00 5b 00 00 00                                    // marker, length 91 (LE, header included)
    08 01                                                // 1 seqno = 1
    10 fd 07                                             // 2 cmd = 1021
    50 01                                                // 10 request_id = 1
    c2 0c 4b                                             // 200 tcp_send_msg, 75 bytes
      0a 0e                                              // 1 queue_name, 14 bytes: "jt3desjic-main"
        6a 74 33 64 65 73 6a 69 63 2d 6d 61 69 6e
      12 39                                              // 2 msgBody, 57 bytes: "send-0-héllo-世界-ed26da…"
        73 65 6e 64 2d 30 2d 68 c3 a9 6c 6c 6f 2d e4 b8
        96 e7 95 8c 2d 65 64 32 36 64 61 62 62 2d 61 65
        34 33 2d 34 36 34 32 2d 38 39 37 37 2d 31 36 32
        30 34 32 39 62 38 30 32 64`);
    const send = REQUESTS.find((g) => g.name.startsWith("send (1021), the SDK's"));
    expect(decodeRequest(bodyOf(captured))).toEqual({ ok: true, request: send?.value });
  });
});

describe("golden reply frames", () => {
  it("cover every kind of reply the bridge writes", () => {
    expect(new Set(REPLIES.map((g) => g.value.kind))).toEqual(new Set(Object.keys(REPLY_KINDS)));
  });

  it.each(REPLIES)("$name: decodes to the reply", ({ frame, value }) => {
    expect(decodeReply(bodyOf(frameBytes(frame)))).toEqual(value);
  });

  it.each(REPLIES)("$name: encodes to exactly these bytes", ({ frame, value }) => {
    expect(toHex(writeFrame(encodeReply(value)))).toBe(toHex(frameBytes(frame)));
  });

  it.each(REPLIES)("$name: round-trips", ({ value }) => {
    expect(decodeReply(encodeReply(value))).toEqual(value);
  });
});
