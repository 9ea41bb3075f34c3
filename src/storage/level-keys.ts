import { assert } from '../util/assert.js';
import { readU64, writeU64 } from './entry-codec.js';

/**
 * Key layout (binary keys, so that byte order is numeric order):
 *
 *   m/format                 store format version
 *   m/hard-state             HardState
 *   m/snapshot               snapshot manifest (the commit point of a snapshot)
 *   e/<u64be index>          one log entry
 *   c/<u64be id><u32be n>    chunk n of an image, as first written by snapshot id
 *
 * Fixed-width big-endian numbers make an iterator over `e/` return entries in
 * index order, and `c/<id>` a snapshot's chunks in order.
 */
const encoder = new TextEncoder();
const ENTRY_PREFIX = encoder.encode('e/');
const CHUNK_PREFIX = encoder.encode('c/');

export const FORMAT_KEY = encoder.encode('m/format');
export const HARD_STATE_KEY = encoder.encode('m/hard-state');
export const MANIFEST_KEY = encoder.encode('m/snapshot');

export const ENTRY_KEY_BYTES = ENTRY_PREFIX.byteLength + 8;

export function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(ENTRY_KEY_BYTES);
  writeEntryKey(key, index);
  return key;
}

/** Writes entry index's key at the start of target, which has ENTRY_KEY_BYTES of room. */
export function writeEntryKey(target: Uint8Array, index: number): void {
  target.set(ENTRY_PREFIX);
  writeU64(target, ENTRY_PREFIX.byteLength, index);
}

export function entryKeyIndex(key: Uint8Array): number | undefined {
  if (key.byteLength !== ENTRY_PREFIX.byteLength + 8 || !hasPrefix(key, ENTRY_PREFIX)) return undefined;
  return readU64(view(key), ENTRY_PREFIX.byteLength);
}

export function chunkKey(snapshotId: number, chunkNumber: number): Uint8Array {
  assert(Number.isInteger(chunkNumber) && chunkNumber >= 0 && chunkNumber < 2 ** 32);
  const key = new Uint8Array(CHUNK_PREFIX.byteLength + 12);
  key.set(CHUNK_PREFIX);
  writeU64(key, CHUNK_PREFIX.byteLength, snapshotId);
  view(key).setUint32(CHUNK_PREFIX.byteLength + 8, chunkNumber);
  return key;
}

export function chunkKeySnapshotId(key: Uint8Array): number | undefined {
  if (key.byteLength !== CHUNK_PREFIX.byteLength + 12 || !hasPrefix(key, CHUNK_PREFIX)) return undefined;
  return readU64(view(key), CHUNK_PREFIX.byteLength);
}

export function chunkKeyNumber(key: Uint8Array): number | undefined {
  if (key.byteLength !== CHUNK_PREFIX.byteLength + 12 || !hasPrefix(key, CHUNK_PREFIX)) return undefined;
  return view(key).getUint32(CHUNK_PREFIX.byteLength + 8);
}

/** The half-open key range [gte, lt) holding every key that starts with prefix. */
export function prefixRange(prefix: Uint8Array): { gte: Uint8Array; lt: Uint8Array } {
  const lt = prefix.slice();
  const last = lt.byteLength - 1;
  assert(last >= 0 && (lt[last] ?? 0xff) < 0xff);
  lt[last] = (lt[last] ?? 0) + 1;
  return { gte: prefix, lt };
}

export const ENTRY_RANGE = prefixRange(ENTRY_PREFIX);
export const CHUNK_RANGE = prefixRange(CHUNK_PREFIX);

/** Readable name for errors and logs: e/42, c/3/0, m/hard-state. */
export function keyName(key: Uint8Array): string {
  const index = entryKeyIndex(key);
  if (index !== undefined) return `e/${index}`;
  const snapshotId = chunkKeySnapshotId(key);
  if (snapshotId !== undefined) return `c/${snapshotId}/${view(key).getUint32(CHUNK_PREFIX.byteLength + 8)}`;
  return Buffer.from(key).toString('latin1');
}

function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, i) => key[i] === byte);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
