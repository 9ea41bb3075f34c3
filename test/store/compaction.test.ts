import t from 'tap';
import { KeyIndex } from '../../src/store/key-index.js';
import { b, kvText, newStore, put } from './fixtures/helpers.js';

t.test('key index finds the value visible at a revision across generations', async (t) => {
  const index = new KeyIndex();
  index.put({ main: 2, sub: 0 });
  index.put({ main: 4, sub: 0 });
  index.tombstone({ main: 6, sub: 0 });
  index.put({ main: 8, sub: 1 });
  t.same([1, 2, 3, 4, 5, 6, 7, 8, 9].map((rev) => index.get(rev)?.main ?? null), [null, 2, 2, 4, 4, null, null, 8, 8]);
  t.same(index.latest(), { main: 8, sub: 1 });
  t.same(index.compact(5).map((r) => r.main), [2], 'keeps 4, visible at 5');
  t.same(index.compact(7).map((r) => r.main), [4, 6], 'the deleted generation goes entirely');
  t.equal(index.get(7), undefined);
  t.equal(index.get(8)?.main, 8);
  index.tombstone({ main: 9, sub: 0 });
  t.same(index.compact(9).map((r) => r.main), [8, 9]);
  t.equal(index.isEmpty(), true);
});

t.test('compaction keeps what a read at the compact revision sees and forgets the rest', async (t) => {
  const store = newStore();
  put(store, 'a', '1'); // 2
  put(store, 'a', '2'); // 3
  put(store, 'b', '1'); // 4
  store.kv.deleteRange({ key: b('b') }); // 5
  put(store, 'a', '3'); // 6
  const bytesBefore = store.kv.state.history.bytes;
  const response = store.apply({ type: 'compact', request: { revision: 5 } });
  t.equal(response.ok, true);
  t.equal(store.compactRevision, 5);
  t.equal(store.revision, 6, 'compaction makes no revision');
  t.ok(store.kv.state.history.bytes < bytesBefore);
  t.equal(kvText(store.range({ key: b('a'), revision: 5 }).kvs[0]), 'a=2@c2m3v2l0');
  t.equal(store.range({ key: b('b'), revision: 5 }).count, 0);
  t.equal(kvText(store.range({ key: b('a') }).kvs[0]), 'a=3@c2m6v3l0');
  t.equal(store.kv.state.index.keysCount, 1, 'the deleted key left the index');
  t.throws(() => store.range({ key: b('a'), revision: 4 }), { code: 'STORE_COMPACTED', message: 'mvcc: required revision has been compacted' });
});

t.test('compaction errors follow etcd', async (t) => {
  const store = newStore();
  put(store, 'a', '1');
  put(store, 'a', '2');
  const future = store.apply({ type: 'compact', request: { revision: 4 } });
  t.ok(!future.ok && future.error.code === 'STORE_FUTURE_REVISION');
  t.ok(store.apply({ type: 'compact', request: { revision: 3 } }).ok, 'compacting at the current revision is allowed');
  const again = store.apply({ type: 'compact', request: { revision: 3 } });
  t.ok(!again.ok && again.error.code === 'STORE_COMPACTED');
  t.ok(!again.ok && again.error.details.compactRevision === 3);
});

t.test('after compaction history keeps growing and reads and compactions keep working', async (t) => {
  const store = newStore();
  for (let i = 0; i < 50; i++) put(store, `k${i % 5}`, `${i}`);
  store.apply({ type: 'compact', request: { revision: 20 } });
  for (let i = 50; i < 100; i++) put(store, `k${i % 5}`, `${i}`);
  store.apply({ type: 'compact', request: { revision: 80 } });
  t.equal(store.range({ key: b('k'), rangeEnd: b('l'), revision: 80 }).count, 5);
  t.equal(kvText(store.range({ key: b('k4'), revision: 80 }).kvs[0]), 'k4=74@c6m76v15l0');
  t.equal(kvText(store.range({ key: b('k4') }).kvs[0]), 'k4=99@c6m101v20l0');
  const entries = [...store.kv.state.history.entries()].length;
  t.equal(entries, 5 + 21, 'one survivor per key at 80, plus every later change');
});
