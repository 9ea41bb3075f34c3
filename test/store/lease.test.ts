import t from 'tap';
import { b, keysOf, newStore, put, s } from './fixtures/helpers.js';

t.test('grant, attach, time to live, keep-alive', async (t) => {
  const store = newStore();
  const granted = store.apply({ type: 'leaseGrant', request: { id: '100', ttl: 10 }, nowMs: 1_000 });
  t.ok(granted.ok && granted.response.id === '100' && granted.response.ttl === 10);
  t.equal(store.revision, 1, 'granting makes no revision');
  put(store, 'b', '1', '100');
  put(store, 'a', '1', '100');
  const ttl = store.leaseTimeToLive({ id: '100', keys: true }, 4_500);
  t.equal(ttl.ttl, 6);
  t.equal(ttl.grantedTtl, 10);
  t.same(ttl.keys.map(s), ['a', 'b']);
  const kept = store.apply({ type: 'leaseKeepAlive', request: { id: '100' }, nowMs: 8_000 });
  t.ok(kept.ok && kept.response.ttl === 10);
  t.equal(store.leaseTimeToLive({ id: '100' }, 8_000).ttl, 10);
  t.same(store.leaseTimeToLive({ id: '100' }, 8_000).keys, [], 'keys only when asked');
  t.equal(store.leaseTimeToLive({ id: '999' }, 0).ttl, -1, 'an unknown lease reports -1, as etcd');
});

t.test('re-putting a key without a lease detaches it; deleting detaches it', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '1', ttl: 10 }, nowMs: 0 });
  put(store, 'a', '1', '1');
  put(store, 'b', '1', '1');
  put(store, 'a', '2');
  store.kv.deleteRange({ key: b('b') });
  t.same(store.leaseTimeToLive({ id: '1', keys: true }, 0).keys, []);
});

t.test('revoke deletes every attached key in one revision', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '9', ttl: 10 }, nowMs: 0 });
  put(store, 'c', '1', '9');
  put(store, 'a', '1', '9');
  put(store, 'keep', '1');
  const revisions: number[] = [];
  const seen: string[] = [];
  const created = store.watch({ key: b('a'), rangeEnd: new Uint8Array([0]) }, (response) => {
    revisions.push(response.header.revision);
    seen.push(...response.events.map((event) => `${event.type}:${s(event.kv.key)}`));
  });
  store.watches.resume(created.watchId);
  const revoked = store.apply({ type: 'leaseRevoke', request: { id: '9' } });
  t.ok(revoked.ok && revoked.response.header.revision === 5);
  t.same(revisions, [5]);
  t.same(seen, ['DELETE:a', 'DELETE:c'], 'keys deleted in key order');
  t.same(keysOf(store.range({ key: b('a'), rangeEnd: b('z') }).kvs), ['keep']);
  const again = store.apply({ type: 'leaseRevoke', request: { id: '9' } });
  t.ok(!again.ok && again.error.code === 'STORE_LEASE_NOT_FOUND');
  t.same(store.leaseLeases().leases, []);
});

t.test('revoking a lease with no keys makes no revision', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '3', ttl: 10 }, nowMs: 0 });
  store.apply({ type: 'leaseRevoke', request: { id: '3' } });
  t.equal(store.revision, 1);
});

t.test('expired leases are listed by deadline from the nowMs the ops carried', async (t) => {
  const store = newStore();
  store.apply({ type: 'leaseGrant', request: { id: '1', ttl: 10 }, nowMs: 0 }); // deadline 10s
  store.apply({ type: 'leaseGrant', request: { id: '2', ttl: 5 }, nowMs: 0 }); // 5s
  store.apply({ type: 'leaseGrant', request: { id: '3', ttl: 5 }, nowMs: 0 }); // 5s
  t.same(store.expiredLeases(4_999, 10), []);
  t.same(store.expiredLeases(5_000, 10), ['2', '3'], 'ties broken by id');
  t.same(store.expiredLeases(20_000, 2), ['2', '3'], 'earliest first, up to the limit');
  store.apply({ type: 'leaseKeepAlive', request: { id: '2' }, nowMs: 4_000 }); // 9s
  t.same(store.expiredLeases(9_500, 10), ['3', '2']);
  store.apply({ type: 'leasePromote', nowMs: 100_000, extendMs: 500 });
  t.same(store.expiredLeases(100_000 + 5_499, 10), []);
  t.same(store.expiredLeases(100_000 + 5_500, 10), ['2', '3']);
});

t.test('lease grant errors and id choice', async (t) => {
  const store = newStore({ leaseTtlSecondsMax: 100, leaseTtlSecondsMin: 2, leasesMax: 3 });
  const auto = store.apply({ type: 'leaseGrant', request: { ttl: 1 }, nowMs: 0 });
  t.ok(auto.ok && auto.response.id === '1' && auto.response.ttl === 2, 'id chosen by the store, ttl raised to the minimum');
  store.apply({ type: 'leaseGrant', request: { id: '2', ttl: 10 }, nowMs: 0 });
  const next = store.apply({ type: 'leaseGrant', request: { id: '0', ttl: 10 }, nowMs: 0 });
  t.ok(next.ok && next.response.id === '3', 'skips ids in use');
  const exists = store.apply({ type: 'leaseGrant', request: { id: '2', ttl: 10 }, nowMs: 0 });
  t.ok(!exists.ok && exists.error.code === 'STORE_LEASE_EXISTS');
  const many = store.apply({ type: 'leaseGrant', request: { id: '4', ttl: 10 }, nowMs: 0 });
  t.ok(!many.ok && many.error.code === 'STORE_TOO_MANY_LEASES');
  store.apply({ type: 'leaseRevoke', request: { id: '3' } });
  const long = store.apply({ type: 'leaseGrant', request: { id: '4', ttl: 101 }, nowMs: 0 });
  t.ok(!long.ok && long.error.code === 'STORE_LEASE_TTL_TOO_LARGE' && long.error.message === 'etcdserver: too large lease TTL');
  const badId = store.apply({ type: 'leaseGrant', request: { id: '01', ttl: 10 }, nowMs: 0 });
  t.ok(!badId.ok && badId.error.code === 'STORE_INVALID_REQUEST');
  const keepAlive = store.apply({ type: 'leaseKeepAlive', request: { id: '77' }, nowMs: 0 });
  t.ok(!keepAlive.ok && keepAlive.error.code === 'STORE_LEASE_NOT_FOUND');
  t.same(store.leaseLeases().leases.map((lease) => lease.id), ['1', '2']);
});
