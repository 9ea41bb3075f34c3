import t from 'tap';
import { isStoreError } from '../../src/store/errors.js';
import { prefixRangeEnd } from '../../src/store/bytes.js';
import { b, keysOf, kvText, newStore, put, s } from './fixtures/helpers.js';

t.test('an empty store is at revision 1 and the first write makes revision 2', async (t) => {
  const store = newStore();
  t.equal(store.revision, 1);
  t.equal(store.kv.range({ key: b('a') }).header.revision, 1);
  t.equal(put(store, 'a', '1'), 2);
  t.equal(store.revision, 2);
});

t.test('put keeps create revision and counts versions; delete resets them', async (t) => {
  const store = newStore();
  put(store, 'k', 'v1');
  put(store, 'k', 'v2');
  t.equal(kvText(store.range({ key: b('k') }).kvs[0]), 'k=v2@c2m3v2l0');
  const deleted = store.kv.deleteRange({ key: b('k'), prevKv: true });
  t.equal(deleted.deleted, 1);
  t.equal(deleted.header.revision, 4);
  t.equal(kvText(deleted.prevKvs[0]), 'k=v2@c2m3v2l0');
  t.equal(store.range({ key: b('k') }).count, 0);
  put(store, 'k', 'v3');
  t.equal(kvText(store.range({ key: b('k') }).kvs[0]), 'k=v3@c5m5v1l0');
});

t.test('put returns prev_kv only when asked and only if the key existed', async (t) => {
  const store = newStore();
  t.equal(store.kv.put({ key: b('k'), value: b('1'), prevKv: true }).prevKv, undefined);
  t.equal(kvText(store.kv.put({ key: b('k'), value: b('2'), prevKv: true }).prevKv), 'k=1@c2m2v1l0');
  t.equal(store.kv.put({ key: b('k'), value: b('3') }).prevKv, undefined);
});

t.test('a delete that matches nothing makes no revision', async (t) => {
  const store = newStore();
  put(store, 'a', '1');
  const response = store.kv.deleteRange({ key: b('zzz') });
  t.equal(response.deleted, 0);
  t.equal(response.header.revision, 2);
  t.equal(store.revision, 2);
});

t.test('ignore_value and ignore_lease keep the current value or lease; the key must exist', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '7', ttl: 10 }, nowMs: 0 });
  put(store, 'k', 'v', '7');
  store.kv.put({ key: b('k'), value: b('w'), ignoreLease: true });
  t.equal(kvText(store.range({ key: b('k') }).kvs[0]), 'k=w@c2m3v2l7');
  store.kv.put({ key: b('k'), ignoreValue: true });
  t.equal(kvText(store.range({ key: b('k') }).kvs[0]), 'k=w@c2m4v3l0', 'lease dropped since none was given');
  t.throws(() => store.kv.put({ key: b('missing'), ignoreValue: true }), { code: 'STORE_KEY_NOT_FOUND', message: 'etcdserver: key not found' });
  t.throws(() => store.kv.put({ key: b('k'), value: b('x'), ignoreValue: true }), { code: 'STORE_VALUE_PROVIDED' });
  t.throws(() => store.kv.put({ key: b('k'), lease: '7', ignoreLease: true }), { code: 'STORE_LEASE_PROVIDED' });
});

t.test('put with an unknown lease and an empty key are refused', async (t) => {
  const store = newStore();
  t.throws(() => store.kv.put({ key: b('k'), value: b('v'), lease: '99' }), { code: 'STORE_LEASE_NOT_FOUND' });
  t.throws(() => store.kv.put({ key: b(''), value: b('v') }), { code: 'STORE_EMPTY_KEY', message: 'etcdserver: key is not provided' });
  t.throws(() => store.range({ key: b('') }), { code: 'STORE_EMPTY_KEY' });
  t.throws(() => store.kv.deleteRange({ key: b('') }), { code: 'STORE_EMPTY_KEY' });
  t.equal(store.revision, 1, 'failed requests change nothing');
});

t.test('stored bytes are private copies of the caller buffers', async (t) => {
  const store = newStore();
  const value = b('abc');
  store.kv.put({ key: b('k'), value });
  value[0] = 0x7a;
  t.equal(s(store.range({ key: b('k') }).kvs[0]?.value ?? b('')), 'abc');
});

t.test('range_end conventions: single key, prefix, all keys from key, half-open interval', async (t) => {
  const store = newStore();
  for (const key of ['a', 'ab', 'abc', 'abd', 'b', 'c\xff', 'c\xff\xff']) put(store, key, key);
  t.same(keysOf(store.range({ key: b('ab') }).kvs), ['ab']);
  t.same(keysOf(store.range({ key: b('ab'), rangeEnd: prefixRangeEnd(b('ab')) }).kvs), ['ab', 'abc', 'abd']);
  t.same(keysOf(store.range({ key: b('abd'), rangeEnd: new Uint8Array([0]) }).kvs), ['abd', 'b', 'c\xff', 'c\xff\xff']);
  t.same(keysOf(store.range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) }).kvs).length, 7);
  t.same(keysOf(store.range({ key: b('a'), rangeEnd: b('abd') }).kvs), ['a', 'ab', 'abc']);
  t.same(keysOf(store.range({ key: b('b'), rangeEnd: b('a') }).kvs), [], 'an inverted range is empty');
  t.same(s(prefixRangeEnd(b('c\xff'))), 'd');
  t.same([...prefixRangeEnd(b('\xff\xff'))], [0], 'an all-0xff prefix means every key');
});

t.test('limit, more, count, count_only and keys_only', async (t) => {
  const store = newStore();
  for (const key of ['a', 'b', 'c', 'd']) put(store, key, `value-${key}`);
  const all = { key: b('a'), rangeEnd: b('z') };
  const limited = store.range({ ...all, limit: 2 });
  t.same(keysOf(limited.kvs), ['a', 'b']);
  t.equal(limited.more, true);
  t.equal(limited.count, 4);
  t.equal(store.range({ ...all, limit: 4 }).more, false);
  const counted = store.range({ ...all, countOnly: true });
  t.equal(counted.count, 4);
  t.same(counted.kvs, []);
  const keysOnly = store.range({ ...all, keysOnly: true });
  t.same(keysOnly.kvs.map((kv) => kv.value.byteLength), [0, 0, 0, 0]);
  t.equal(keysOnly.kvs[2]?.modRevision, 4);
});

t.test('sort order and target, and revision filters (count stays unfiltered, as etcd)', async (t) => {
  const store = newStore();
  put(store, 'b', '1'); // rev 2
  put(store, 'a', '3'); // rev 3
  put(store, 'c', '2'); // rev 4
  put(store, 'b', '0'); // rev 5
  const all = { key: b('a'), rangeEnd: b('z') };
  t.same(keysOf(store.range({ ...all, sortOrder: 'DESCEND' }).kvs), ['c', 'b', 'a']);
  t.same(keysOf(store.range({ ...all, sortTarget: 'MOD' }).kvs), ['a', 'c', 'b'], 'a target without an order sorts ascending');
  t.same(keysOf(store.range({ ...all, sortTarget: 'VALUE', sortOrder: 'DESCEND' }).kvs), ['a', 'c', 'b']);
  t.same(keysOf(store.range({ ...all, sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 2 }).kvs), ['b', 'a']);
  t.same(keysOf(store.range({ ...all, sortTarget: 'VERSION', sortOrder: 'DESCEND', limit: 1 }).kvs), ['b']);
  const filtered = store.range({ ...all, minModRevision: 4 });
  t.same(keysOf(filtered.kvs), ['b', 'c']);
  t.equal(filtered.count, 3);
  t.same(keysOf(store.range({ ...all, maxCreateRevision: 3 }).kvs), ['a', 'b']);
  t.same(keysOf(store.range({ ...all, minCreateRevision: 3, maxModRevision: 3 }).kvs), ['a']);
});

t.test('ranges at past revisions see the past; future revisions are refused', async (t) => {
  const store = newStore();
  put(store, 'k', '1'); // 2
  put(store, 'k', '2'); // 3
  store.kv.deleteRange({ key: b('k') }); // 4
  put(store, 'k', '3'); // 5
  const at = (revision: number): string | undefined => kvText(store.range({ key: b('k'), revision }).kvs[0]);
  t.equal(at(1), undefined);
  t.equal(at(2), 'k=1@c2m2v1l0');
  t.equal(at(3), 'k=2@c2m3v2l0');
  t.equal(at(4), undefined);
  t.equal(at(5), 'k=3@c5m5v1l0');
  t.equal(store.range({ key: b('k'), revision: 3 }).header.revision, 5, 'the header is the current revision');
  try {
    store.range({ key: b('k'), revision: 6 });
    t.fail('expected an error');
  } catch (error) {
    t.ok(isStoreError(error, 'STORE_FUTURE_REVISION'));
    t.equal((error as Error).message, 'mvcc: required revision is a future revision');
  }
});

t.test('malformed numbers are refused with a coded error', async (t) => {
  const store = newStore();
  t.throws(() => store.range({ key: b('a'), limit: -1 }), { code: 'STORE_INVALID_REQUEST' });
  t.throws(() => store.range({ key: b('a'), revision: 1.5 }), { code: 'STORE_INVALID_REQUEST' });
  t.throws(() => store.kv.put({ key: b('a'), lease: '01' }), { code: 'STORE_INVALID_REQUEST' });
  t.throws(() => store.kv.put({ key: b('a'), lease: '9223372036854775808' }), { code: 'STORE_INVALID_REQUEST' });
  // A negative id is an int64 like any other: it names no lease (as in etcd).
  t.throws(() => store.kv.put({ key: b('a'), lease: '-1' }), { code: 'STORE_LEASE_NOT_FOUND' });
});

t.test('lease ids order as int64s, negative ones first', async (t) => {
  const { compareLeaseIds, isLeaseId } = await import('../../src/store/lease-id.js');
  const ids = ['5', '-10', '0', '-9', '9223372036854775807', '-9223372036854775808', '10', '-1'];
  t.same([...ids].sort(compareLeaseIds), ['-9223372036854775808', '-10', '-9', '-1', '0', '5', '10', '9223372036854775807']);
  t.same(['-0', '-01', '01', '9223372036854775808', '-9223372036854775809', '1.5', ''].filter(isLeaseId), [], 'non-canonical or out of range');
});
