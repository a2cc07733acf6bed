/**
 * Message ids and receipt handles as unsigned 64-bit integers (the TCP protocol carries them as
 * uint64, cmq-api-tcp.md; HTTP JSON as decimal strings, cmq-api-http.md §3). SQLite hands integers
 * to JavaScript as doubles, so stored parts stay below 2^53 and are composed here with bigint.
 *
 *   message id:      [ shard : 8 ][ zero : 16 ][ seq : 40 ]
 *   receipt handle:  [ shard : 8 ][ seq : 40 ][ delivery tag : 16 ]
 *
 * The shard lets a sharded queue route a delete to the object that holds the message. The delivery
 * tag is the message's dequeue count, so each delivery gets a new handle and a stale one no longer
 * matches the stored message.
 * @module
 */

export const SEQ_BITS = 40;
export const MAX_SEQ = 2 ** SEQ_BITS - 1;
export const MAX_SHARDS = 256;
const TAG_MASK = 0xffffn;
const SEQ_MASK = (1n << BigInt(SEQ_BITS)) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

export interface MessageRef {
  shard: number;
  seq: number;
}

export interface ReceiptRef extends MessageRef {
  /** Low 16 bits of the dequeue count of the delivery the handle was issued for. */
  tag: number;
}

export function messageIdOf(ref: MessageRef): bigint {
  return (BigInt(ref.shard) << 56n) | BigInt(ref.seq);
}

/** The parts of a message id; undefined for a number no queue issued. */
export function parseMessageId(id: bigint): MessageRef | undefined {
  if (id <= 0n || id > UINT64_MAX || ((id >> BigInt(SEQ_BITS)) & 0xffffn) !== 0n) return undefined;
  return { shard: Number(id >> 56n), seq: Number(id & SEQ_MASK) };
}

export function receiptHandleOf(ref: MessageRef, dequeueCount: number): bigint {
  return (BigInt(ref.shard) << 56n) | (BigInt(ref.seq) << 16n) | (BigInt(dequeueCount) & TAG_MASK);
}

export function deliveryTag(dequeueCount: number): number {
  return dequeueCount & 0xffff;
}

export function parseReceiptHandle(handle: bigint): ReceiptRef | undefined {
  if (handle < 0n || handle > UINT64_MAX) return undefined;
  const seq = Number((handle >> 16n) & SEQ_MASK);
  if (seq === 0) return undefined;
  return { shard: Number(handle >> 56n), seq, tag: Number(handle & TAG_MASK) };
}

/** Parses a decimal uint64 as HTTP clients send it; undefined for anything else. */
export function parseUint64(text: string): bigint | undefined {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined;
  const value = BigInt(text);
  return value <= UINT64_MAX ? value : undefined;
}

/**
 * The first sequence number of a new queue incarnation. Starting each incarnation at a random point
 * keeps receipt handles issued before a DeleteQueue/CreateQueue from matching the new queue's
 * messages, while leaving 2^39 sequence numbers of room.
 */
export function randomSeqBase(random: () => number): number {
  return 1 + Math.floor(random() * 2 ** (SEQ_BITS - 2));
}
