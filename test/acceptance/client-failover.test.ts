/**
 * @kubernetes/client-node against a real `raftplane up` cluster: an informer sees every
 * change in order, a write through one peer is read at once through another, and a client
 * of the load balancer keeps working (its watch re-established) after its peer is SIGKILLed.
 */
import t from 'tap';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, makeInformer, type Informer, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import { call } from '../apiserver-k8s/fixtures/https-client.js';
import { runCli, waitFor } from '../cluster/fixtures/process-cluster.js';
import { startUpCluster, type UpCluster } from './fixtures/up-cluster.js';

const NAMESPACE = 'default';
const SELECTOR = 'suite=informer';
const RESTART_DELAY_MS = 300;
const RECOVERY_MS = 10_000;

let cluster: UpCluster;
let core: CoreV1Api;
let informer: Informer<V1Pod>;
let stopped = false;
let failed = false;
const seen: string[] = [];
const connects: number[] = [];
const errors: string[] = [];

function pod(name: string, step: string): V1Pod {
  return {
    metadata: { name, labels: { suite: 'informer', step } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
  };
}

async function restep(name: string, step: string): Promise<void> {
  const current = await core.readNamespacedPod({ name, namespace: NAMESPACE });
  current.metadata!.labels = { ...current.metadata!.labels, step };
  await core.replaceNamespacedPod({ name, namespace: NAMESPACE, body: current });
}

t.before(async () => {
  cluster = await startUpCluster();
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  core = config.makeApiClient(CoreV1Api);
  informer = makeInformer(config, `/api/v1/namespaces/${NAMESPACE}/pods`, () => core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: SELECTOR }), SELECTOR);
  const record = (verb: string) => (p: V1Pod) => seen.push(`${verb} ${p.metadata?.name} ${verb === 'delete' ? '' : p.metadata?.labels?.['step']}`.trim());
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  informer.on('connect', () => connects.push(Date.now()));
  // client-node's documented pattern: an informer stops on an error and the caller restarts it;
  // it resumes from the last resourceVersion it saw, so no change is lost or repeated.
  informer.on('error', (error: unknown) => {
    errors.push(String((error as Error | undefined)?.message ?? error));
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), RESTART_DELAY_MS);
  });
  await informer.start();
});
t.afterEach((t) => {
  if (!t.passing()) failed = true;
});
t.teardown(async () => {
  stopped = true;
  await informer.stop();
  const tails = await cluster.stop(failed);
  if (tails !== '') console.error(tails);
});

t.test('an informer sees every create, update and delete in order', async (t) => {
  await core.createNamespacedPod({ namespace: NAMESPACE, body: pod('a', '1') });
  await core.createNamespacedPod({ namespace: NAMESPACE, body: pod('b', '1') });
  await restep('a', '2');
  await core.deleteNamespacedPod({ name: 'a', namespace: NAMESPACE });
  await restep('b', '2');
  await restep('b', '3');
  await core.deleteNamespacedPod({ name: 'b', namespace: NAMESPACE });
  const expected = ['add a 1', 'add b 1', 'update a 2', 'delete a', 'update b 2', 'update b 3', 'delete b'];
  await waitFor('the informer to see every change', () => (seen.length >= expected.length ? true : undefined), 10_000).catch(() => undefined);
  t.same(seen, expected, `events: ${seen.join(', ')}`);
});

t.test('a write through one peer is read at once through another peer', async (t) => {
  const urls = [...cluster.peerUrls.values()];
  for (let i = 0; i < 12; i++) {
    const writer = urls[i % urls.length]!;
    const reader = urls[(i + 1) % urls.length]!;
    const body: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'linear' }, data: { n: String(i) } };
    const written = i === 0
      ? await call(writer, { method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/configmaps`, token: cluster.token, ca: cluster.caPem, body: JSON.stringify(body) })
      : await call(writer, { method: 'PUT', path: `/api/v1/namespaces/${NAMESPACE}/configmaps/linear`, token: cluster.token, ca: cluster.caPem, body: JSON.stringify(body) });
    if (written.status >= 300) {
      t.fail(`write ${i} through ${writer}: ${written.status} ${written.text}`);
      return;
    }
    const read = await call(reader, { path: `/api/v1/namespaces/${NAMESPACE}/configmaps/linear`, token: cluster.token, ca: cluster.caPem });
    const got = read.json() as V1ConfigMap;
    if (got.data?.['n'] !== String(i) || got.metadata?.resourceVersion !== (written.json() as V1ConfigMap).metadata?.resourceVersion) {
      t.fail(`write ${i} through ${writer} not seen through ${reader}: ${read.text}`);
      return;
    }
  }
  t.pass('12 writes, each read back at once through a different peer');
});

/** Starts a killed peer again as its own process, on its data dir, and waits until it is ready. */
async function restartPeer(id: string): Promise<void> {
  const args = ['peer', '--config', cluster.setup.configFile, '--id', id, '--data-dir', cluster.setup.dataDir];
  const { child } = runCli(args, join(cluster.setup.dir, `${id}.restart.log`));
  const url = cluster.peerUrls.get(id)!;
  await waitFor(`peer ${id} to be ready again`, async () => {
    if (child.exitCode !== null) throw new Error(`peer ${id} exited with ${child.exitCode}`);
    const ready = await call(url, { path: '/readyz', ca: cluster.caPem, timeoutMs: 1_000 }).catch(() => undefined);
    return ready?.status === 200 ? true : undefined;
  }, RECOVERY_MS, 100);
}

t.test('through the load balancer, a client and its informer survive SIGKILL of each peer in turn', async (t) => {
  // Every peer is killed once (and started again before the next, keeping a quorum), so the
  // peer that holds the informer's watch is killed in one of the rounds, whichever it is.
  let reconnects = 0;
  for (const { id } of cluster.setup.peers) {
    const connectsBefore = connects.length;
    process.kill(await cluster.peerPid(id), 'SIGKILL');
    const killedAt = Date.now();
    let attempts = 0;
    const name = `after-${id}`;
    const created = await waitFor(`a create through the load balancer after killing ${id}`, async () => {
      attempts++;
      return core.createNamespacedPod({ namespace: NAMESPACE, body: pod(name, '1') }).catch(() => undefined);
    }, RECOVERY_MS, 100);
    t.ok(created.metadata?.uid, `${id} killed: a create succeeded after ${Date.now() - killedAt} ms, attempt ${attempts}`);
    // Reads retry like writes: while the cluster settles the balancer may briefly have no ready peer.
    const listed = await waitFor(`a list through the load balancer after killing ${id}`, () =>
      core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: SELECTOR }).catch(() => undefined), RECOVERY_MS, 100);
    t.ok(listed.items.some((p) => p.metadata?.name === name), 'reads work too');
    await waitFor(`the informer to see ${name}`, () => (seen.includes(`add ${name} 1`) ? true : undefined), RECOVERY_MS).catch(() => undefined);
    t.ok(seen.includes(`add ${name} 1`), `the informer saw ${name} ${Date.now() - killedAt} ms after the kill; errors: ${errors.join('; ')}`);
    if (connects.length > connectsBefore) reconnects++;
    await restartPeer(id);
  }
  t.ok(reconnects >= 1, `the informer re-established its watch after the kill of its peer (${reconnects} times)`);
  t.same(seen.slice(7), cluster.setup.peers.map((p) => `add after-${p.id} 1`), 'nothing lost, nothing repeated across the failovers');
});
