import { crc32 } from 'node:zlib';
import { assert } from '../util/assert.js';
import { StorageError } from './storage-error.js';

/**
 * Every value on disk is a record:
 *
 *   u32be crc32(key ‖ version ‖ body) ‖ u8 version ‖ body
 *
 * The checksum covers the key, so a record that lands under the wrong key
 * (a misdirected write) fails as surely as a flipped bit.
 */
export const RECORD_VERSION = 1;
const HEADER_BYTES = 5;
export const RECORD_HEADER_BYTES = HEADER_BYTES;

export function sealRecord(key: Uint8Array, body: Uint8Array): Uint8Array {
  const record = new Uint8Array(HEADER_BYTES + body.byteLength);
  record.set(body, HEADER_BYTES);
  sealInPlace(key, record);
  return record;
}

/** Makes record a record of its own body (the bytes after RECORD_HEADER_BYTES) under key. */
export function sealInPlace(key: Uint8Array, record: Uint8Array): void {
  assert(record.byteLength >= HEADER_BYTES, 'a record has a header');
  record[4] = RECORD_VERSION;
  const sum = checksum(key, record.subarray(4));
  record[0] = sum >>> 24;
  record[1] = (sum >>> 16) & 0xff;
  record[2] = (sum >>> 8) & 0xff;
  record[3] = sum & 0xff;
}

/** The checksum a record carries (its first four bytes), without checking it. */
export function recordChecksum(record: Uint8Array): number {
  assert(record.byteLength >= HEADER_BYTES, 'a record has a header');
  return new DataView(record.buffer, record.byteOffset, record.byteLength).getUint32(0);
}

/** Returns the body, or throws STORAGE_CORRUPT naming the key. */
export function openRecord(key: Uint8Array, record: Uint8Array, keyName: string): Uint8Array {
  if (record.byteLength < HEADER_BYTES) {
    throw corrupt(keyName, `record is ${record.byteLength} bytes, shorter than its header`);
  }
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const stored = view.getUint32(0);
  const actual = checksum(key, record.subarray(4));
  if (stored !== actual) throw corrupt(keyName, `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  if (record[4] !== RECORD_VERSION) throw corrupt(keyName, `unknown record version ${String(record[4])}`);
  return record.subarray(HEADER_BYTES);
}

export function corrupt(keyName: string, reason: string): StorageError {
  return new StorageError('STORAGE_CORRUPT', `storage record ${keyName} is corrupt: ${reason}`, { key: keyName, reason });
}

function checksum(key: Uint8Array, versionAndBody: Uint8Array): number {
  const sum = crc32(versionAndBody, crc32(key));
  assert(Number.isInteger(sum) && sum >= 0);
  return sum;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
