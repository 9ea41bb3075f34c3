import t from 'tap';
import { BatchArena } from '../../src/storage/batch-arena.js';
import { decodeEntry, encodeEntry } from '../../src/storage/entry-codec.js';
import { HARD_STATE_KEY, entryKey } from '../../src/storage/level-keys.js';
import type { LayoutOp } from '../../src/storage/log-layout.js';
import { decodeHardState, encodeJson } from '../../src/storage/meta-codec.js';
import { openRecord, sealRecord } from '../../src/storage/record-codec.js';
import type { Entry, HardState } from '../../src/raft/types.js';

const entry = (index: number, bytes: number): Entry => ({ term: 3, index, type: 'normal', data: new Uint8Array(bytes).fill(index & 0xff) });
const hardState: HardState = { term: 3, vote: 'p2-é', commit: 41 };
const opsOf = (entries: Entry[], hs?: HardState): LayoutOp[] => [
  ...entries.map((e): LayoutOp => ({ kind: 'put-entry', entry: e })),
  ...(hs === undefined ? [] : [{ kind: 'put-hard-state', hardState: hs } as LayoutOp]),
];

t.test('records are byte for byte what sealing each one on its own makes', async (t) => {
  const entries = [entry(7, 0), entry(8, 300), entry(9, 5)];
  const bytes = new BatchArena().lease(opsOf(entries, hardState));
  for (const e of entries) {
    const put = bytes.putEntry(e);
    t.same(put.key, entryKey(e.index));
    t.same(put.value, sealRecord(entryKey(e.index), encodeEntry(e)), `entry ${e.index}`);
    t.same(decodeEntry(openRecord(put.key, put.value, 'entry')), e);
  }
  const put = bytes.putHardState();
  t.equal(put.key, HARD_STATE_KEY);
  t.same(put.value, sealRecord(HARD_STATE_KEY, encodeJson(hardState)), 'hard state, a non-ASCII vote included');
  t.same(decodeHardState(openRecord(put.key, put.value, 'hard state')), hardState);
  t.throws(() => bytes.putEntry(entry(10, 1)), /sized for every record/, 'no more than the ops asked for');
});

t.test('the next batch reuses the buffer once the last one is released', async (t) => {
  const arena = new BatchArena();
  const first = arena.lease(opsOf([entry(1, 100)]));
  const a = first.putEntry(entry(1, 100));
  first.release();
  first.release(); // twice is harmless
  const second = arena.lease(opsOf([entry(2, 100)]));
  const b = second.putEntry(entry(2, 100));
  t.equal(a.value.buffer, b.value.buffer, 'same buffer');
  t.same(b.value, sealRecord(entryKey(2), encodeEntry(entry(2, 100))));
  t.same(decodeEntry(openRecord(a.key, a.value, 'entry'))?.index, 2, 'the first batch\'s views now show the second: why release waits for the write');
});

t.test('a batch that begins while another holds the buffer gets its own', async (t) => {
  const arena = new BatchArena();
  const held = arena.lease(opsOf([entry(1, 10)]));
  const a = held.putEntry(entry(1, 10));
  const other = arena.lease(opsOf([entry(2, 10)]));
  const b = other.putEntry(entry(2, 10));
  t.not(a.value.buffer, b.value.buffer);
  other.release();
  t.same(decodeEntry(openRecord(a.key, a.value, 'entry'))?.index, 1, 'the held batch is untouched');
  held.release();
});

t.test('the buffer grows for a large batch and is not kept past its cap', async (t) => {
  const arena = new BatchArena();
  t.equal(arena.capacity, 64 * 1024);
  const mid = arena.lease(opsOf([entry(1, 100 * 1024)]));
  t.ok(arena.capacity >= 128 * 1024 && arena.capacity <= 1024 * 1024, `grown to ${arena.capacity}`);
  mid.putEntry(entry(1, 100 * 1024));
  mid.release();
  const grown = arena.capacity;
  arena.lease(opsOf([entry(2, 10)])).release();
  t.equal(arena.capacity, grown, 'a size under the cap is kept');
  const huge = arena.lease(opsOf([entry(3, 3 * 1024 * 1024)]));
  t.ok(arena.capacity > 3 * 1024 * 1024);
  huge.putEntry(entry(3, 3 * 1024 * 1024));
  huge.release();
  t.equal(arena.capacity, 64 * 1024, 'dropped after the batch that needed it');
});
