import t from 'tap';
import { ProcessCluster, waitFor } from './fixtures/process-cluster.js';
import { findLeader, getPrefix, put } from './fixtures/etcd-json.js';

/**
 * Raft §5.2 (leader election) and §5.4 (safety) with real processes: kill -9 the
 * leader of a 3-peer cluster in the middle of a stream of writes. With the default
 * raft config (50 ms heartbeat, 500 ms election timeout) a new leader must be in
 * place within 2 s, and every write that was acknowledged must be on every peer.
 */
const FAILOVER_BUDGET_MS = 2_000;

t.test('kill -9 the leader during writes: new leader within 2 s, no acknowledged write lost', async (t) => {
  const cluster = await ProcessCluster.start(3);
  t.teardown(async () => {
    const tails = await cluster.close(!t.passing());
    if (tails !== '') t.comment(tails);
  });
  const first = await waitFor('a leader', () => findLeader(cluster.setup.peers), 10_000);

  const acked = new Map<string, string>();
  let stopWriting = false;
  let n = 0;
  // Writers go to every peer that is alive; a write counts only once acknowledged.
  const writer = async (): Promise<void> => {
    while (!stopWriting) {
      const alive = cluster.setup.peers.filter((p) => cluster.procs.has(p.id));
      const target = alive[n % alive.length];
      const key = `failover/${String(n++).padStart(5, '0')}`;
      if (target === undefined) continue;
      const ok = await put(target.api, key, `v-${key}`, 3_000).catch(() => false);
      if (ok) acked.set(key, `v-${key}`);
    }
  };
  const writers = [writer(), writer(), writer()];
  await waitFor('some acknowledged writes', () => (acked.size >= 30 ? true : undefined), 10_000);

  const killedAtMs = Date.now();
  await cluster.kill9(first.peer.id);
  const survivors = cluster.setup.peers.filter((p) => p.id !== first.peer.id);
  const next = await waitFor('a new leader', async () => {
    const found = await findLeader(survivors);
    return found !== undefined && found.term > first.term ? found : undefined;
  }, 10_000, 10);
  const failoverMs = Date.now() - killedAtMs;
  t.comment(`failover: ${first.peer.id} killed, ${next.peer.id} leads term ${next.term} after ${failoverMs} ms`);
  t.ok(failoverMs < FAILOVER_BUDGET_MS, `new leader within ${FAILOVER_BUDGET_MS} ms (took ${failoverMs} ms)`);
  // Counted on ticks, not only when scraped: nothing scraped this peer before.
  const metrics = await (await fetch(`${next.peer.api}/metrics`)).text();
  const changes = Number(/^raftplane_server_leader_changes_seen_total (\d+)/m.exec(metrics)?.[1]);
  t.ok(changes >= 2, `the new leader counted both leaders it has seen (${changes})`);

  const ackedAtKill = acked.size;
  await waitFor('writes acknowledged by the new leadership', () => (acked.size >= ackedAtKill + 30 ? true : undefined), 10_000);
  stopWriting = true;
  await Promise.all(writers);

  await cluster.startPeer(first.peer.id); // the old leader comes back from its own disk
  for (const peer of cluster.setup.peers) {
    const seen = await getPrefix(peer.api, 'failover/', 10_000);
    const missing = [...acked].filter(([k, v]) => seen.get(k) !== v).map(([k]) => k);
    t.same(missing, [], `${peer.id} has all ${acked.size} acknowledged writes`);
  }
});
