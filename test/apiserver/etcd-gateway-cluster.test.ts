import t from 'tap';
import { b64, post, startApiCluster, unb64 } from './fixtures/api-cluster.js';
import { openStream } from './fixtures/stream-client.js';

t.test('three peers: every peer serves the same store', async (t) => {
  const cluster = await startApiCluster(3);
  t.teardown(() => cluster.stop());
  const leader = await cluster.leader();
  const followers = cluster.peers.filter((p) => p !== leader);
  const [f1, f2] = followers as [(typeof followers)[number], (typeof followers)[number]];

  t.test('a write through a follower is read through the other follower, linearizably', async (t) => {
    const put = await post(f1.api.url, '/v3/kv/put', { key: b64('k'), value: b64('v1') });
    t.equal(put.status, 200);
    t.equal(put.body.header.member_id, f1.kv.memberId, 'the header names the peer that answered');
    const range = await post(f2.api.url, '/v3/kv/range', { key: b64('k') });
    t.equal(unb64(range.body.kvs[0].value), 'v1');
    t.equal(range.body.header.revision, put.body.header.revision);
  });

  t.test('a watch on a follower sees writes made through the leader, with no gap', async (t) => {
    const stream = openStream(f2.api.url, '/v3/watch', JSON.stringify({ create_request: { key: b64('w/'), range_end: b64('w0') } }));
    await stream.lines(1);
    for (let i = 0; i < 5; i++) await post(leader.api.url, '/v3/kv/put', { key: b64(`w/${i}`), value: b64(String(i)) });
    const deadline = Date.now() + 5_000;
    let values: string[] = [];
    for (let lines = 2; values.length < 5 && lines <= 6 && Date.now() < deadline; lines++) {
      const received = await stream.lines(lines, Math.max(1, deadline - Date.now())).catch(() => undefined);
      if (received === undefined) break;
      values = received.slice(1).flatMap((line) => line.result.events ?? []).map((e: any) => unb64(e.kv.value));
    }
    t.same(values, ['0', '1', '2', '3', '4']);
    stream.close();
  });

  t.test('every peer is ready and lists three members; status names the same leader', async (t) => {
    for (const peer of cluster.peers) {
      t.equal((await fetch(`${peer.api.url}/readyz`)).status, 200, `${peer.id} ready`);
      const members = await post(peer.api.url, '/v3/cluster/member/list', {});
      t.same(members.body.members.map((m: any) => m.name).sort(), ['p1', 'p2', 'p3']);
      const status = await post(peer.api.url, '/v3/maintenance/status', {});
      t.equal(status.body.leader, leader.kv.memberId);
    }
    const metrics = await (await fetch(`${leader.api.url}/metrics`)).text();
    t.match(metrics, new RegExp(`raftplane_network_peer_sent_bytes_total\\{To="${f1.id}"\\} [1-9]`), 'peer link bytes are exported');
  });

  t.test('transfer-leadership moves the leader (etcd MoveLeader)', async (t) => {
    const moved = await post(leader.api.url, '/v3/maintenance/transfer-leadership', { targetID: f1.kv.memberId });
    t.equal(moved.status, 200, JSON.stringify(moved.body));
    const deadline = Date.now() + 5_000;
    while (f1.kv.status().role !== 'leader' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.equal(f1.kv.status().role, 'leader');
    const bad = await post(f1.api.url, '/v3/maintenance/transfer-leadership', { targetID: '123' });
    t.equal(bad.status, 412);
    t.equal(bad.body.error, 'etcdserver: bad leader transferee');
  });
});
