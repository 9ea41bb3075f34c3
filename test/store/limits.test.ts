import t from 'tap';
import { b, newStore } from './fixtures/helpers.js';

t.test('key and value sizes are limited with etcd\'s message', async (t) => {
  const store = newStore({ keyBytesMax: 4, valueBytesMax: 8 });
  t.throws(() => store.kv.put({ key: b('12345'), value: b('') }), { code: 'STORE_KEY_TOO_LARGE', message: 'etcdserver: request is too large' });
  t.throws(() => store.kv.put({ key: b('k'), value: b('123456789') }), { code: 'STORE_VALUE_TOO_LARGE' });
  t.throws(() => store.range({ key: b('k'), rangeEnd: b('123456') }), { code: 'STORE_KEY_TOO_LARGE' });
  t.throws(() => store.kv.txn({ success: [{ requestPut: { key: b('k'), value: b('123456789') } }] }), { code: 'STORE_VALUE_TOO_LARGE' });
  t.throws(() => store.kv.txn({ compare: [{ key: b('12345'), target: 'VERSION', result: 'EQUAL' }] }), { code: 'STORE_KEY_TOO_LARGE' });
  t.doesNotThrow(() => store.kv.put({ key: b('1234'), value: b('12345678') }));
});

t.test('the history quota refuses puts but still allows deletes and compaction', async (t) => {
  const store = newStore({ historyBytesMax: 400 });
  let refused = false;
  for (let i = 0; i < 10 && !refused; i++) {
    const result = store.apply({ type: 'put', request: { key: b('k'), value: new Uint8Array(50) } });
    refused = !result.ok && result.error.code === 'STORE_NO_SPACE';
  }
  t.ok(refused, 'a put was refused');
  const txn = store.apply({ type: 'txn', request: { success: [{ requestPut: { key: b('j'), value: new Uint8Array(50) } }] } });
  t.ok(!txn.ok && txn.error.message === 'etcdserver: mvcc: database space exceeded');
  t.ok(store.apply({ type: 'deleteRange', request: { key: b('k') } }).ok);
  t.ok(store.apply({ type: 'compact', request: { revision: store.revision } }).ok);
  t.ok(store.apply({ type: 'put', request: { key: b('k'), value: new Uint8Array(50) } }).ok, 'compaction frees space');
});

t.test('limits are validated when options are resolved', async (t) => {
  t.throws(() => newStore({ txnOpsMax: 0 }), { name: 'AssertionError' });
});
