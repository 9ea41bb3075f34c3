import t from 'tap';
import { COMPACT_REV_KEY, Compactor, compactRound } from '../../src/apiserver/k8s/compactor.js';
import { silentLogger } from '../../src/util/logger.js';
import { KvCluster, bytes, text, waitFor } from '../peer/fixtures/kv-cluster.js';

t.test('a round compacts to the revision seen one round earlier; the first round only records', async (t) => {
  const cluster = await KvCluster.start(['p1', 'p2', 'p3']);
  t.teardown(() => cluster.stop());
  const { kv, store } = (await cluster.waitForLeader());
  for (let i = 0; i < 5; i++) await kv.put({ key: bytes(`k${i % 2}`), value: bytes(`v${i}`) });

  const first = await compactRound(kv, 0, 0);
  t.equal(first.time, 1);
  t.equal(first.compacted, undefined, 'nothing compacted on the first round');
  t.equal(store.compactRevision, 0);
  const seen = await kv.range({ key: COMPACT_REV_KEY });
  t.equal(text(seen.kvs[0]?.value), '0', 'compact_rev_key holds the revision passed in, as kube-apiserver writes it');

  for (let i = 0; i < 5; i++) await kv.put({ key: bytes('k0'), value: bytes(`w${i}`) });
  const second = await compactRound(kv, first.time, first.revision);
  t.equal(second.compacted, first.revision, 'compacted to the revision current at the first round');
  t.equal(second.time, 2);
  for (const node of cluster.nodes.values()) {
    await waitFor(() => node.store.compactRevision === first.revision);
  }
  t.pass('every peer compacted at that revision');
  await t.rejects(kv.range({ key: bytes('k0'), revision: first.revision - 1 }), { message: /compacted/ }, 'history before it is gone');
  t.equal(text((await kv.range({ key: bytes('k0') })).kvs[0]?.value), 'w4', 'the present is untouched');
});

t.test('servers racing: one compaction per round, the others adopt its clock', async (t) => {
  const cluster = await KvCluster.start(['p1', 'p2', 'p3']);
  t.teardown(() => cluster.stop());
  await cluster.waitForLeader();
  const [a, b] = [cluster.node('p1').kv, cluster.node('p2').kv];
  await a.put({ key: bytes('x'), value: bytes('1') });
  const a1 = await compactRound(a, 0, 0);
  const b1 = await compactRound(b, 0, 0);
  t.equal(a1.time, 1);
  t.equal(b1.time, 1, 'b lost the swap and took the clock a set');
  await a.put({ key: bytes('x'), value: bytes('2') });
  const a2 = await compactRound(a, a1.time, a1.revision);
  const b2 = await compactRound(b, b1.time, b1.revision);
  t.equal(a2.compacted, a1.revision);
  t.equal(b2.compacted, undefined, 'b did not compact in the same round');
  t.equal(b2.time, 2);
});

t.test('the Compactor runs rounds on its interval and stops', async (t) => {
  const cluster = await KvCluster.start(['p1', 'p2', 'p3']);
  t.teardown(() => cluster.stop());
  const { kv, store } = await cluster.waitForLeader();
  const compactor = new Compactor(kv, 40, silentLogger());
  compactor.start();
  const writer = setInterval(() => void kv.put({ key: bytes('busy'), value: bytes(String(Date.now())) }).catch(() => undefined), 5);
  t.teardown(() => clearInterval(writer));
  await waitFor(() => store.compactRevision > 0, 3000);
  compactor.stop();
  clearInterval(writer);
  const after = store.compactRevision;
  await new Promise((r) => setTimeout(r, 200));
  t.equal(store.compactRevision, after, 'no compaction after stop()');
  t.ok(after > 0, `compacted to ${after}`);
});
