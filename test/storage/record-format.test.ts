import t from 'tap';
import { AssertionError } from '../../src/util/assert.js';
import { ENTRY_HEADER_BYTES, decodeEntry, encodeEntry, writeEntry } from '../../src/storage/entry-codec.js';
import { ENTRY_KEY_BYTES, chunkKey, entryKey, entryKeyIndex, keyName, writeEntryKey } from '../../src/storage/level-keys.js';
import { RECORD_HEADER_BYTES, openRecord, sealInPlace, sealRecord } from '../../src/storage/record-codec.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

t.test('entry keys sort in index order, across byte and word boundaries', async (t) => {
  const indexes = [0, 1, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
  const keys = indexes.map(entryKey);
  for (let i = 1; i < keys.length; i += 1) t.ok(compareBytes(keys[i - 1]!, keys[i]!) < 0, `${indexes[i - 1]} < ${indexes[i]}`);
  t.same(keys.map(entryKeyIndex), indexes);
  t.equal(keyName(entryKey(42)), 'e/42');
  t.equal(keyName(chunkKey(3, 7)), 'c/3/7');
  t.throws(() => entryKey(-1), AssertionError);
  t.throws(() => entryKey(2 ** 53), AssertionError);
});

t.test('entries round-trip through their binary body', async (t) => {
  const entry = { index: 2 ** 40 + 3, term: 2 ** 33, type: 'conf-change' as const, data: Uint8Array.of(1, 2, 3) };
  t.same(decodeEntry(encodeEntry(entry)), entry);
  t.equal(decodeEntry(Uint8Array.of(0, 1)), undefined, 'too short');
  const badType = encodeEntry(entry);
  badType[0] = 9;
  t.equal(decodeEntry(badType), undefined, 'unknown type code');
});

t.test('a record detects any single flipped bit and a change of key', async (t) => {
  const key = entryKey(7);
  const record = sealRecord(key, new TextEncoder().encode('payload'));
  t.same(new TextDecoder().decode(openRecord(key, record, 'e/7')), 'payload');
  let detected = 0;
  for (let bit = 0; bit < record.byteLength * 8; bit += 1) {
    const damaged = record.slice();
    damaged[bit >> 3] = (damaged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    try {
      openRecord(key, damaged, 'e/7');
    } catch {
      detected += 1;
    }
  }
  t.equal(detected, record.byteLength * 8, 'every flipped bit');
  t.throws(() => openRecord(entryKey(8), record, 'e/8'), { code: 'STORAGE_CORRUPT', details: { key: 'e/8' } });
  t.throws(() => openRecord(key, record.subarray(0, 3), 'e/7'), { code: 'STORAGE_CORRUPT', message: /shorter than its header/ });
});

t.test('keys, bodies and records written in place into a shared buffer are the same bytes', async (t) => {
  const entries = [
    { index: 7, term: 1, type: 'normal' as const, data: Uint8Array.of(9, 8, 7) },
    { index: 2 ** 32 + 1, term: 2 ** 32 - 1, type: 'conf-change' as const, data: new Uint8Array(0) },
    { index: Number.MAX_SAFE_INTEGER, term: 3, type: 'normal' as const, data: new Uint8Array(300).fill(5) },
  ];
  const shared = new Uint8Array(1000).fill(0xee); // not zeroed: every byte must be written
  let at = 3; // an odd offset, so no view starts at the buffer's start
  for (const entry of entries) {
    const key = shared.subarray(at, at + ENTRY_KEY_BYTES);
    writeEntryKey(key, entry.index);
    at += ENTRY_KEY_BYTES;
    const record = shared.subarray(at, at + RECORD_HEADER_BYTES + ENTRY_HEADER_BYTES + entry.data.byteLength);
    writeEntry(record.subarray(RECORD_HEADER_BYTES), entry);
    sealInPlace(key, record);
    at += record.byteLength;
    t.same(Buffer.from(key), Buffer.from(entryKey(entry.index)), `key of ${entry.index}`);
    t.same(Buffer.from(record), Buffer.from(sealRecord(key, encodeEntry(entry))), `record of ${entry.index}`);
    t.same(decodeEntry(openRecord(key, record, keyName(key))), entry);
  }
  t.throws(() => writeEntry(new Uint8Array(ENTRY_HEADER_BYTES), entries[0]!), AssertionError, 'no room for the data');
  t.throws(() => sealInPlace(entryKey(1), new Uint8Array(2)), AssertionError, 'no room for the header');
});
