import t from 'tap';
import type { Compare, RequestOp, TxnRequest } from '../../src/store/requests.js';
import { b, keysOf, kvText, newStore, put } from './fixtures/helpers.js';

const putOp = (key: string, value: string): RequestOp => ({ requestPut: { key: b(key), value: b(value) } });
const delOp = (key: string, rangeEnd?: string): RequestOp => ({
  requestDeleteRange: rangeEnd === undefined ? { key: b(key) } : { key: b(key), rangeEnd: b(rangeEnd) },
});
const getOp = (key: string): RequestOp => ({ requestRange: { key: b(key) } });

t.test('a txn is one revision, its events in op order', async (t) => {
  const store = newStore();
  put(store, 'x', '0');
  const commits: string[] = [];
  store.kv.observe({
    onCommit: (commit) => commits.push(`${commit.revision}:${commit.events.map((e) => `${e.event.type}:${e.key}`).join(',')}`),
    onCompact: () => undefined,
    onRestore: () => undefined,
  });
  const response = store.kv.txn({ success: [putOp('b', '1'), putOp('a', '2'), delOp('x')] });
  t.equal(response.succeeded, true);
  t.equal(response.header.revision, 3);
  t.same(commits, ['3:PUT:b,PUT:a,DELETE:x']);
  t.equal(store.range({ key: b('a') }).kvs[0]?.modRevision, 3);
});

t.test('reads inside a txn see its earlier writes', async (t) => {
  const store = newStore();
  put(store, 'a', 'old');
  const response = store.kv.txn({ success: [getOp('a'), putOp('a', 'new'), getOp('a')] });
  const values = response.responses.map((r) => ('responseRange' in r ? kvText(r.responseRange.kvs[0]) : 'put'));
  t.same(values, ['a=old@c2m2v1l0', 'put', 'a=new@c2m3v2l0']);
});

t.test('a txn that writes nothing makes no revision', async (t) => {
  const store = newStore();
  put(store, 'a', '1');
  const response = store.kv.txn({ success: [getOp('a'), delOp('missing')] });
  t.equal(response.header.revision, 2);
  t.equal(store.revision, 2);
});

t.test('compare semantics follow etcd', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '5', ttl: 60 }, nowMs: 0 });
  put(store, 'k', 'm'); // create 2, mod 2, version 1
  put(store, 'k', 'n', '5'); // mod 3, version 2
  put(store, 'p/1', 'x'); // 4
  put(store, 'p/2', 'y'); // 5
  const check = (compare: Compare): boolean => store.kv.txn({ compare: [compare] }).succeeded;
  const key = b('k');
  t.equal(check({ key, target: 'VALUE', result: 'EQUAL', value: b('n') }), true);
  t.equal(check({ key, target: 'VALUE', result: 'GREATER', value: b('m') }), true);
  t.equal(check({ key, target: 'VALUE', result: 'LESS', value: b('n') }), false);
  t.equal(check({ key, target: 'VALUE', result: 'NOT_EQUAL', value: b('m') }), true);
  t.equal(check({ key, target: 'VERSION', result: 'EQUAL', version: 2 }), true);
  t.equal(check({ key, target: 'CREATE', result: 'EQUAL', createRevision: 2 }), true);
  t.equal(check({ key, target: 'MOD', result: 'GREATER', modRevision: 2 }), true);
  t.equal(check({ key, target: 'MOD', result: 'LESS', modRevision: 3 }), false);
  t.equal(check({ key, target: 'LEASE', result: 'EQUAL', lease: '5' }), true);
  const missing = b('missing');
  t.equal(check({ key: missing, target: 'VERSION', result: 'EQUAL', version: 0 }), true, 'an absent key has version 0');
  t.equal(check({ key: missing, target: 'CREATE', result: 'EQUAL' }), true, 'an absent operand is zero');
  t.equal(check({ key: missing, target: 'MOD', result: 'LESS', modRevision: 1 }), true, 'an absent key has mod revision 0');
  t.equal(check({ key: missing, target: 'LEASE', result: 'EQUAL', lease: '0' }), true);
  t.equal(check({ key: missing, target: 'VALUE', result: 'EQUAL', value: b('') }), false, 'VALUE on an absent key always fails');
  t.equal(check({ key: missing, target: 'VALUE', result: 'NOT_EQUAL', value: b('x') }), false);
  const prefix = { key: b('p/'), rangeEnd: b('p0') };
  t.equal(check({ ...prefix, target: 'MOD', result: 'GREATER', modRevision: 3 }), true, 'every key in the range must pass');
  t.equal(check({ ...prefix, target: 'MOD', result: 'GREATER', modRevision: 4 }), false);
  t.equal(check({ key: b('p/'), rangeEnd: new Uint8Array([0]), target: 'CREATE', result: 'GREATER', createRevision: 3 }), true);
});

t.test('the branch taken follows the compares; nested txns compare against the state at the start', async (t) => {
  const store = newStore();
  put(store, 'flag', 'on');
  const request: TxnRequest = {
    compare: [{ key: b('flag'), target: 'VALUE', result: 'EQUAL', value: b('on') }],
    success: [
      putOp('flag', 'off'),
      {
        requestTxn: {
          compare: [{ key: b('flag'), target: 'VALUE', result: 'EQUAL', value: b('on') }],
          success: [putOp('nested', 'saw-on')],
          failure: [putOp('nested', 'saw-off')],
        },
      },
    ],
    failure: [putOp('other', 'x')],
  };
  const response = store.kv.txn(request);
  t.equal(response.succeeded, true);
  const nested = response.responses[1];
  t.ok(nested !== undefined && 'responseTxn' in nested && nested.responseTxn.succeeded);
  t.equal(kvText(store.range({ key: b('nested') }).kvs[0]), 'nested=saw-on@c3m3v1l0');
  const second = store.kv.txn(request);
  t.equal(second.succeeded, false);
  t.same(keysOf(store.range({ key: b('other') }).kvs), ['other']);
});

t.test('duplicate keys in a txn are refused as etcd refuses them', async (t) => {
  const store = newStore();
  const refused = (request: TxnRequest): void => {
    t.throws(() => store.kv.txn(request), { code: 'STORE_DUPLICATE_KEY', message: 'etcdserver: duplicate key given in txn request' });
  };
  const allowed = (request: TxnRequest): void => {
    t.doesNotThrow(() => store.kv.txn(request));
  };
  refused({ success: [putOp('a', '1'), putOp('a', '2')] });
  refused({ failure: [putOp('a', '1'), putOp('a', '2')] });
  refused({ success: [putOp('b', '1'), delOp('a', 'c')] });
  refused({ success: [delOp('a', 'c'), { requestTxn: { success: [putOp('b', '1')] } }] });
  refused({ success: [putOp('a', '1'), { requestTxn: { failure: [putOp('a', '2')] } }] });
  refused({ success: [{ requestTxn: { success: [putOp('x', '1')] } }, { requestTxn: { failure: [putOp('x', '2')] } }] });
  t.equal(store.revision, 1);
  allowed({ success: [putOp('a', '1')], failure: [putOp('a', '2')] });
  allowed({ success: [{ requestTxn: { success: [putOp('x', '1')], failure: [putOp('x', '2')] } }] });
  allowed({ success: [delOp('a', 'c'), delOp('b')] });
  allowed({ success: [putOp('a', '1'), delOp('b', 'c')] });
});

t.test('too many ops are refused; the limit applies to each list', async (t) => {
  const store = newStore({ txnOpsMax: 3 });
  const many = ['a', 'b', 'c', 'd'].map((key) => putOp(key, '1'));
  t.throws(() => store.kv.txn({ success: many }), { code: 'STORE_TOO_MANY_OPS', message: 'etcdserver: too many operations in txn request' });
  t.throws(() => store.kv.txn({ success: [{ requestTxn: { failure: many } }] }), { code: 'STORE_TOO_MANY_OPS' });
  t.doesNotThrow(() => store.kv.txn({ success: many.slice(0, 3), failure: many.slice(0, 3) }));
});

t.test('a txn checks every op on its path before writing anything', async (t) => {
  const store = newStore();
  put(store, 'a', '1');
  t.throws(() => store.kv.txn({ success: [putOp('b', '1'), { requestPut: { key: b('c'), value: b('1'), lease: '42' } }] }), {
    code: 'STORE_LEASE_NOT_FOUND',
  });
  t.throws(() => store.kv.txn({ success: [putOp('b', '1'), { requestRange: { key: b('a'), revision: 9 } }] }), {
    code: 'STORE_FUTURE_REVISION',
  });
  t.equal(store.revision, 2);
  t.equal(store.range({ key: b('b') }).count, 0);
  const untaken = store.kv.txn({ compare: [{ key: b('a'), target: 'VERSION', result: 'EQUAL', version: 1 }], failure: [{ requestRange: { key: b('a'), revision: 9 } }] });
  t.equal(untaken.succeeded, true, 'the branch not taken is not checked against the state');
});
