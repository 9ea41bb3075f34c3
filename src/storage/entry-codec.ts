import { assert, assertionFailed } from '../util/assert.js';
import type { Entry, EntryType } from '../raft/types.js';

/** Entry body: u8 type ‖ u64be term ‖ u64be index ‖ data. Binary because it is the hot path. */
const HEADER_BYTES = 17;
export const ENTRY_HEADER_BYTES = HEADER_BYTES;
const TYPE_CODES: Readonly<Record<EntryType, number>> = { normal: 0, 'conf-change': 1 };
const TYPES_BY_CODE: readonly EntryType[] = ['normal', 'conf-change'];

export function encodeEntry(entry: Entry): Uint8Array {
  const body = new Uint8Array(HEADER_BYTES + entry.data.byteLength);
  writeEntry(body, entry);
  return body;
}

/** Writes the entry's body at the start of target, which has room for it (see encodeEntry). */
export function writeEntry(target: Uint8Array, entry: Entry): void {
  assert(target.byteLength >= HEADER_BYTES + entry.data.byteLength, 'no room for the entry');
  target[0] = TYPE_CODES[entry.type];
  writeU64(target, 1, entry.term);
  writeU64(target, 9, entry.index);
  target.set(entry.data, HEADER_BYTES);
}

/** Big-endian, byte by byte: no DataView per call, the batch path writes thousands a second. */
export function writeU64(target: Uint8Array, offset: number, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) assertionFailed(`not a u64 we can represent: ${value}`);
  const high = Math.floor(value / 2 ** 32);
  const low = value >>> 0;
  target[offset] = high >>> 24;
  target[offset + 1] = (high >>> 16) & 0xff;
  target[offset + 2] = (high >>> 8) & 0xff;
  target[offset + 3] = high & 0xff;
  target[offset + 4] = low >>> 24;
  target[offset + 5] = (low >>> 16) & 0xff;
  target[offset + 6] = (low >>> 8) & 0xff;
  target[offset + 7] = low & 0xff;
}

/** Returns undefined for a body that does not parse; the caller names the key in its error. */
export function decodeEntry(body: Uint8Array): Entry | undefined {
  if (body.byteLength < HEADER_BYTES) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const type = TYPES_BY_CODE[view.getUint8(0)];
  const term = readU64(view, 1);
  const index = readU64(view, 9);
  if (type === undefined || term === undefined || index === undefined) return undefined;
  // Copy: the body's buffer belongs to the database iterator.
  return { type, term, index, data: body.slice(HEADER_BYTES) };
}

/** Undefined when the value exceeds Number.MAX_SAFE_INTEGER. */
export function readU64(view: DataView, offset: number): number | undefined {
  const value = view.getUint32(offset) * 2 ** 32 + view.getUint32(offset + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}
