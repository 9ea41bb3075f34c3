import { assert } from '../util/assert.js';
import type { Entry, EntryType } from '../raft/types.js';

/** Entry body: u8 type ‖ u64be term ‖ u64be index ‖ data. Binary because it is the hot path. */
const HEADER_BYTES = 17;
const TYPE_CODES: Readonly<Record<EntryType, number>> = { normal: 0, 'conf-change': 1 };
const TYPES_BY_CODE: readonly EntryType[] = ['normal', 'conf-change'];

export function encodeEntry(entry: Entry): Uint8Array {
  const body = new Uint8Array(HEADER_BYTES + entry.data.byteLength);
  const view = new DataView(body.buffer);
  view.setUint8(0, TYPE_CODES[entry.type]);
  writeU64(view, 1, entry.term);
  writeU64(view, 9, entry.index);
  body.set(entry.data, HEADER_BYTES);
  return body;
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

export function writeU64(view: DataView, offset: number, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, `not a u64 we can represent: ${value}`);
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value >>> 0);
}

/** Undefined when the value exceeds Number.MAX_SAFE_INTEGER. */
export function readU64(view: DataView, offset: number): number | undefined {
  const value = view.getUint32(offset) * 2 ** 32 + view.getUint32(offset + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}
