import t from 'tap';
import { AssertionError } from '../../src/util/assert.js';
import { decodeEntry, encodeEntry } from '../../src/storage/entry-codec.js';
import { chunkKey, entryKey, entryKeyIndex, keyName } from '../../src/storage/level-keys.js';
import { openRecord, sealRecord } from '../../src/storage/record-codec.js';

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
