/**
 * History compaction under a real client: with a 1-second compaction interval, the peers
 * compact the store round after round while @kubernetes/client-node's informer watches and
 * kubectl lists, and neither misses a change.
 */
import t from 'tap';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { call } from '../apiserver-k8s/fixtures/https-client.js';
import { waitFor } from '../cluster/fixtures/process-cluster.js';
import { startUpCluster } from './fixtures/up-cluster.js';

const NAMESPACE = 'default';
const SELECTOR = 'suite=compaction';
const COUNT = 40;

t.test('the store is compacted every interval while an informer and kubectl keep up', async (t) => {
  const cluster = await startUpCluster({}, ['kubernetes: { compactionIntervalSeconds: 1 }']);
  let failed = true;
  let stopped = false;
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  const core = config.makeApiClient(CoreV1Api);
  const informer = makeInformer(config, `/api/v1/namespaces/${NAMESPACE}/configmaps`, () => core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: SELECTOR }), SELECTOR);
  const seen = new Set<string>();
  informer.on('add', (cm: V1ConfigMap) => seen.add(cm.metadata?.name ?? ''));
  // As client-node documents: restart on error; a 410 after a compaction makes it list again.
  informer.on('error', () => {
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 200);
  });
  t.teardown(async () => {
    stopped = true;
    await informer.stop();
    const tails = await cluster.stop(failed);
    if (tails !== '') console.error(tails);
  });
  await informer.start();

  const peer = [...cluster.peerUrls.values()][0]!;
  const compacted = async (): Promise<boolean> => {
    // Revision 1 is gone once anything was compacted (etcd's 'required revision has been compacted').
    const reply = await call(peer, { path: '/v3/kv/range', method: 'POST', body: JSON.stringify({ key: 'YQ==', revision: '1' }), ca: cluster.caPem });
    return reply.status !== 200 && /compacted/.test(reply.text);
  };
  for (let i = 0; i < COUNT; i++) {
    await core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name: `cm-${i}`, labels: { suite: 'compaction' } }, data: { i: String(i) } } });
    await new Promise((r) => setTimeout(r, 100)); // 4 s of writes: several compaction rounds
  }
  await waitFor('a compaction', async () => ((await compacted()) ? true : undefined), 10_000, 200);
  t.pass('the peers compacted the history');
  await waitFor(`the informer to see all ${COUNT}`, () => (seen.size === COUNT ? true : undefined), 15_000, 100);
  t.equal(seen.size, COUNT, 'the informer saw every create');
  const listed = await cluster.kubectl(['get', 'configmaps', '-l', SELECTOR, '-o', 'name']);
  t.equal(listed.code, 0, listed.stderr);
  t.equal(listed.stdout.trim().split('\n').length, COUNT, 'kubectl lists them all');
  failed = false;
});
