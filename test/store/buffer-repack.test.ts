import t from 'tap';
import { liveBytesByBuffer, repackBuffers } from '../../src/store/buffer-repack.js';
import { ValueSlab } from '../../src/store/value-slab.js';
import { HistoryColumns } from '../../src/store/history-columns.js';
import { b, kvText, newStore, put, s } from './fixtures/helpers.js';
import type { StoreStateMachine } from '../../src/store/state-machine.js';

/** Every buffer the history's keys and values view, and their total size. */
function heldBytes(store: StoreStateMachine): { buffers: number; bytes: number } {
  const buffers = [...liveBytesByBuffer(store.kv.state.history.ordered()).keys()];
  return { buffers: buffers.length, bytes: buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0) };
}

const value = (i: number): string => `cold value ${i} `.padEnd(200, '.');

t.test('a compaction frees the slabs its surviving values would have pinned', async (t) => {
  const store = newStore();
  // Each cold key's one value lands in a slab with 60 updates of a hot key: after the
  // compaction, every slab holds one surviving value among dead ones.
  const cold = 200;
  for (let i = 0; i < cold; i++) {
    put(store, `cold/${i}`, value(i));
    for (let j = 0; j < 60; j++) put(store, 'hot', `hot ${i}.${j}`.padEnd(200, '-'));
  }
  const before = heldBytes(store);
  store.apply({ type: 'compact', request: { revision: store.revision } });
  const after = heldBytes(store);
  const liveValueBytes = cold * 200 + 200;
  t.ok(before.bytes > 2_000_000, `before: ${before.buffers} buffers, ${before.bytes} bytes`);
  t.ok(after.bytes < 4 * liveValueBytes + 2 * 16 * 1024, `after: ${after.buffers} buffers, ${after.bytes} bytes for ${liveValueBytes} live bytes`);
  for (const i of [0, 1, 99, 199]) t.equal(s(store.range({ key: b(`cold/${i}`) }).kvs[0]!.value), value(i));
  t.equal(kvText(store.range({ key: b('hot') }).kvs[0])?.startsWith('hot=hot 199.59'), true);
  t.equal(store.range({ key: b('cold/'), rangeEnd: b('cold0'), countOnly: true }).count, cold);
});

t.test('values a compaction leaves mostly live stay where they are', async (t) => {
  const store = newStore();
  for (let i = 0; i < 300; i++) put(store, `k/${i}`, value(i));
  const where = (columns: HistoryColumns, at: number): string => `${buffers.indexOf(columns.valueBuffers[at]!)}@${columns.valueStarts[at]}`;
  const before = store.kv.state.history.ordered();
  const buffers = [...new Set(before.valueBuffers)];
  const places = Array.from({ length: before.length }, (_, at) => where(before, at));
  for (let i = 0; i < 30; i++) put(store, `k/${i}`, 'new');
  store.apply({ type: 'compact', request: { revision: store.revision } });
  const after = store.kv.state.history.ordered();
  const kept = Array.from({ length: after.length }, (_, at) => at).filter((at) => after.valueSizes[at] === 200);
  t.equal(kept.length, 270);
  t.ok(
    kept.every((at) => places.includes(where(after, at))),
    'nothing moved: every slab is at least a quarter live',
  );
});

t.test('keys and values restored from a snapshot stop pinning its image once compacted away', async (t) => {
  const leader = newStore();
  for (let i = 0; i < 400; i++) put(leader, `k/${i}`, value(i));
  const follower = newStore();
  follower.restore(leader.snapshot());
  t.equal(heldBytes(follower).buffers, 1, 'restored keys and values are views into the one decoded image');
  for (let i = 0; i < 400; i++) if (i % 10 !== 0) follower.kv.deleteRange({ key: b(`k/${i}`) });
  follower.apply({ type: 'compact', request: { revision: follower.revision } });
  const after = heldBytes(follower);
  t.ok(after.bytes < 4 * 40 * 210 + 2 * 16 * 1024, `after: ${after.buffers} buffers, ${after.bytes} bytes`);
  t.equal(follower.range({ key: b('k/'), rangeEnd: b('k0'), countOnly: true }).count, 40);
  t.equal(s(follower.range({ key: b('k/390') }).kvs[0]!.value), value(390));
  t.equal(s(follower.range({ key: b('k/390') }).kvs[0]!.key), 'k/390');
});

t.test('a key shared by several revisions moves once, and every revision gets the moved view', async (t) => {
  const image = new Uint8Array(64 * 1024);
  const key = image.subarray(0, 3);
  key.set(b('key'));
  const columns = new HistoryColumns();
  for (const main of [2, 3, 4]) {
    image.subarray(main * 10, main * 10 + 5).fill(main);
    columns.push(main, 0, { key, value: image.subarray(main * 10, main * 10 + 5), createRevision: 2, modRevision: main, version: main - 1, lease: '0' });
  }
  const slab = new ValueSlab();
  const result = repackBuffers(columns, slab);
  t.same(result, { buffersFreed: 1, bytesFreed: 64 * 1024, bytesMoved: 3 + 15 });
  const entries = [0, 1, 2].map((at) => columns.entry(at));
  t.equal(entries[0]!.key, entries[2]!.key);
  t.not(entries[0]!.key.buffer, image.buffer);
  t.ok(entries.every((kv) => kv.value.buffer !== image.buffer));
  t.same(entries.map((kv) => [...kv.value]), [2, 3, 4].map((main) => Array(5).fill(main)), 'the moved values have the same bytes');
  t.same(repackBuffers(columns, slab), { buffersFreed: 0, bytesFreed: 0, bytesMoved: 0 }, 'the slab being filled is never repacked');
});
