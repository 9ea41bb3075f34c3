import t from 'tap';
import { b64, post, startApiCluster, unb64 } from './fixtures/api-cluster.js';
import { openStream } from './fixtures/stream-client.js';

t.test('one peer: the etcd gateway over a real peer', async (t) => {
  const cluster = await startApiCluster(1);
  t.teardown(() => cluster.stop());
  const { api } = await cluster.leader();
  const url = api.url;

  t.test('put then range: base64 keys, int64 as strings, zero values left out', async (t) => {
    const put = await post(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    t.equal(put.status, 200);
    t.match(put.body.header, { cluster_id: /^[0-9]+$/, member_id: /^[0-9]+$/, revision: /^[0-9]+$/, raft_term: /^[0-9]+$/ });
    const revision = put.body.header.revision;
    const range = await post(url, '/v3/kv/range', { key: b64('foo') });
    t.same(range.body.kvs, [{ key: b64('foo'), create_revision: revision, mod_revision: revision, version: '1', value: b64('bar') }]);
    t.equal(range.body.count, '1');
    t.notOk('more' in range.body, 'more: false is left out');
    const missing = await post(url, '/v3/kv/range', { key: b64('nope') });
    t.same(Object.keys(missing.body), ['header'], 'no kvs, no count for an empty result');
  });

  t.test('errors look like etcd gateway errors', async (t) => {
    const future = await post(url, '/v3/kv/range', { key: b64('foo'), revision: '1000000' });
    t.equal(future.status, 400);
    t.same(future.body, { error: 'etcdserver: mvcc: required revision is a future revision', message: 'etcdserver: mvcc: required revision is a future revision', code: 11 });
    const badBase64 = await post(url, '/v3/kv/range', { key: '!!!' });
    t.equal(badBase64.status, 400);
    t.same(badBase64.body, { error: 'illegal base64 data at input byte 0', message: 'illegal base64 data at input byte 0', code: 3 });
    const noKey = await post(url, '/v3/kv/put', {});
    t.equal(noKey.status, 400);
    t.equal(noKey.body.error, 'etcdserver: key is not provided');
    const malformed = await post(url, '/v3/kv/range', '{"key":');
    t.equal(malformed.status, 400);
    t.same(malformed.body, { error: 'unexpected EOF', message: 'unexpected EOF', code: 3 });
    const unknownPath = await post(url, '/v3/kv/nope', {});
    t.equal(unknownPath.status, 404);
    t.equal(unknownPath.body, 'Not Found\n');
    const get = await fetch(`${url}/v3/kv/range`);
    t.equal(get.status, 405);
    const leaseMissing = await post(url, '/v3/kv/put', { key: b64('x'), lease: '12345' });
    t.equal(leaseMissing.status, 404);
    t.equal(leaseMissing.body.code, 5);
  });

  t.test('a body over 3 MiB is refused with 413', async (t) => {
    const huge = JSON.stringify({ key: b64('k'), value: 'A'.repeat(3 * 1024 * 1024 + 10) });
    const response = await post(url, '/v3/kv/put', huge);
    t.equal(response.status, 413);
    t.equal(response.body.code, 8);
  });

  t.test('txn: compare, success and failure branches, nested responses', async (t) => {
    await post(url, '/v3/kv/put', { key: b64('t'), value: b64('1') });
    const txn = {
      compare: [{ key: b64('t'), result: 'EQUAL', target: 'VALUE', value: b64('1') }],
      success: [{ request_put: { key: b64('t2'), value: b64('2') } }, { request_range: { key: b64('t') } }],
      failure: [{ request_delete_range: { key: b64('t') } }],
    };
    const ok = await post(url, '/v3/kv/txn', txn);
    t.equal(ok.body.succeeded, true);
    t.same(Object.keys(ok.body.responses[0]), ['response_put']);
    t.same(ok.body.responses[0].response_put, { header: { revision: ok.body.header.revision } });
    t.equal(unb64(ok.body.responses[1].response_range.kvs[0].value), '1');
    const failed = await post(url, '/v3/kv/txn', { ...txn, compare: [{ key: b64('t'), result: 'EQUAL', target: 'VALUE', value: b64('0') }] });
    t.notOk('succeeded' in failed.body);
    t.equal(failed.body.responses[0].response_delete_range.deleted, '1');
  });

  t.test('leases: grant, attach, time to live, keep-alive stream, revoke', async (t) => {
    const grant = await post(url, '/v3/lease/grant', { TTL: '60', ID: '4242' });
    t.same({ ID: grant.body.ID, TTL: grant.body.TTL }, { ID: '4242', TTL: '60' });
    await post(url, '/v3/kv/put', { key: b64('leased'), value: b64('v'), lease: '4242' });
    const ttl = await post(url, '/v3/kv/lease/timetolive', { ID: '4242', keys: true });
    t.equal(ttl.body.grantedTTL, '60');
    t.same(ttl.body.keys, [b64('leased')]);
    const leases = await post(url, '/v3/lease/leases', {});
    t.same(leases.body.leases, [{ ID: '4242' }]);
    const keepAlive = openStream(url, '/v3/lease/keepalive', '{"ID":"4242"}\n{"ID":"999"}');
    const [alive, gone] = await keepAlive.lines(2);
    t.same({ ID: alive.result.ID, TTL: alive.result.TTL }, { ID: '4242', TTL: '60' });
    t.same({ ID: gone.result.ID, TTL: gone.result.TTL }, { ID: '999', TTL: undefined }, 'an unknown lease answers TTL 0');
    await keepAlive.ended;
    const revoke = await post(url, '/v3/lease/revoke', { ID: '4242' });
    t.equal(revoke.status, 200);
    t.notOk((await post(url, '/v3/kv/range', { key: b64('leased') })).body.kvs, 'revoking deletes attached keys');
    t.equal((await post(url, '/v3/kv/lease/revoke', { ID: '4242' })).status, 404);
  });

  t.test('watch: created, history from a past revision, live events, cancel on disconnect', async (t) => {
    const first = await post(url, '/v3/kv/put', { key: b64('w'), value: b64('1') });
    const start = first.body.header.revision;
    await post(url, '/v3/kv/put', { key: b64('w'), value: b64('2') });
    const stream = openStream(url, '/v3/watch', JSON.stringify({ create_request: { key: b64('w'), start_revision: start, prev_kv: true } }));
    const [created, history] = await stream.lines(2);
    t.equal(created.result.created, true);
    t.notOk('watch_id' in created.result, 'the first watch of a stream is 0, left out');
    t.same(history.result.events.map((e: any) => unb64(e.kv.value)), ['1', '2']);
    t.equal(unb64(history.result.events[1].prev_kv.value), '1');
    t.equal(api.url, url);
    await post(url, '/v3/kv/deleterange', { key: b64('w') });
    const [, , deleted] = await stream.lines(3);
    t.equal(deleted.result.events[0].type, 'DELETE');
    const watchersBefore = (await cluster.leader()).metrics.watchers;
    t.equal((await watchersBefore.get()).values[0]?.value, 1);
    stream.close();
    const deadline = Date.now() + 2_000;
    while ((await watchersBefore.get()).values[0]?.value !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.equal((await watchersBefore.get()).values[0]?.value, 0, 'the watcher is cancelled when the client goes away');
  });

  t.test('health, readiness, metrics and the 404 fallback', async (t) => {
    t.equal((await fetch(`${url}/healthz`)).status, 200);
    t.equal((await fetch(`${url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    t.match(metrics, /raftplane_server_has_leader 1/);
    t.match(metrics, /raftplane_server_raft_term [1-9]/);
    t.match(metrics, /raftplane_server_proposal_duration_seconds_bucket/);
    const other = await fetch(`${url}/api/v1/pods`);
    t.equal(other.status, 404);
    t.equal(((await other.json()) as { code: number }).code, 5);
  });

  t.test('maintenance status and member list', async (t) => {
    const status = await post(url, '/v3/maintenance/status', {});
    t.equal(status.body.leader, status.body.header.member_id);
    t.match(status.body, { version: /\d/, raftIndex: /^[0-9]+$/, raftAppliedIndex: /^[0-9]+$/ });
    const members = await post(url, '/v3/cluster/member/list', {});
    t.equal(members.body.members.length, 1);
    t.equal(members.body.members[0].name, 'p1');
    t.notOk('revision' in members.body.header, 'the Cluster service header has no revision, as etcd');
    const missing = await post(url, '/v3/cluster/member/remove', { ID: '123' });
    t.equal(missing.status, 404);
    t.equal(missing.body.error, 'etcdserver: member not found');
  });
});
