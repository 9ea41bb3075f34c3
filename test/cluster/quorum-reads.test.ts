import t from 'tap';
import { exited, ProcessCluster, runCli, waitFor } from './fixtures/process-cluster.js';
import { join } from 'node:path';
import { findLeader, get, post, put } from './fixtures/etcd-json.js';

/**
 * Linearizability across processes. Raft §6.4 (ReadIndex): a linearizable read on a
 * follower sees every write the leader acknowledged before the read began. Raft §5
 * (commitment needs a majority): a lone survivor of a 3-peer cluster commits nothing
 * and serves no linearizable read; it still answers serializable (local) reads.
 */
t.test('follower reads are linearizable; a minority commits nothing', async (t) => {
  const cluster = await ProcessCluster.start(3);
  t.teardown(async () => {
    const tails = await cluster.close(!t.passing());
    if (tails !== '') t.comment(tails);
  });
  const leader = await waitFor('a leader', () => findLeader(cluster.setup.peers), 10_000);
  const followers = cluster.setup.peers.filter((p) => p.id !== leader.peer.id);

  let stale = 0;
  for (let i = 0; i < 30; i++) {
    const key = `lin/${i % 3}`;
    const value = `v${i}`;
    if (!(await put(leader.peer.api, key, value))) throw new Error(`write ${i} refused`);
    const follower = followers[i % followers.length]!;
    if ((await get(follower.api, key)) !== value) stale++;
  }
  t.equal(stale, 0, 'all 30 reads on followers, each right after the leader acknowledged a write, saw that write');

  // Kill two of three: whoever is left is a minority.
  const [survivor, ...others] = cluster.setup.peers;
  for (const p of others) await cluster.kill9(p.id);
  const write = await put(survivor!.api, 'lin/minority', 'no', 2_500).then(
    (ok) => (ok ? 'acknowledged' : 'refused'),
    () => 'timed out',
  );
  t.not(write, 'acknowledged', `a write to the lone survivor is not acknowledged (${write})`);
  const read = await post(survivor!.api, '/v3/kv/range', { key: Buffer.from('lin/0').toString('base64') }, 2_500).then(
    (reply) => (reply.status === 200 ? 'served' : `refused (HTTP ${reply.status})`),
    () => 'timed out',
  );
  t.not(read, 'served', `a linearizable read on the lone survivor is not served (${read})`);
  t.ok((await get(survivor!.api, 'lin/0', { serializable: true })) !== undefined, 'a serializable read is still served from its local copy');
  const ready = await fetch(`${survivor!.api}/readyz`).then((r) => r.status);
  t.equal(ready, 503, '/readyz reports the survivor not ready');

  const run = runCli(['status', '--config', cluster.setup.configFile, '--json'], join(cluster.setup.dir, 'status.log'));
  t.equal(await exited(run.child, 15_000), 1, '`raftplane status` exits 1 without a healthy quorum');
  const report = JSON.parse(run.stdout()) as { quorumHealthy: boolean; peers: Array<{ id: string; health: string }> };
  t.equal(report.quorumHealthy, false);
  t.same(report.peers.filter((p) => p.health === 'unreachable').map((p) => p.id).sort(), others.map((p) => p.id).sort(), 'the killed peers show as unreachable');
});
