import t from 'tap';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { startK8sServer, type K8sServer } from './fixtures/k8s-server.js';
import { call, type HttpAnswer } from './fixtures/https-client.js';

let server: K8sServer;
t.before(async () => {
  server = await startK8sServer({ extraTokens: [{ token: 'viewer-token', user: { name: 'viewer', uid: 'v1', groups: ['raftplane:viewers'] } }] });
});
t.teardown(() => server.close());

const admin = (path: string, rest: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<HttpAnswer> =>
  call(server.url, {
    path,
    ca: server.credentials.ca.certificatePem,
    token: rest.token ?? server.credentials.adminToken,
    ...(rest.method === undefined ? {} : { method: rest.method }),
    ...(rest.body === undefined ? {} : { body: typeof rest.body === 'string' ? rest.body : JSON.stringify(rest.body) }),
    ...(rest.headers === undefined ? {} : { headers: rest.headers }),
  });

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const PODS = '/api/v1/namespaces/default/pods';

t.test('authentication and authorization', async (t) => {
  const none = await admin(PODS, { token: 'wrong' });
  t.equal(none.status, 401);
  t.equal(none.json().reason, 'Unauthorized');
  t.equal((await admin(PODS, { token: 'viewer-token' })).status, 200);
  const denied = await admin(PODS, { token: 'viewer-token', method: 'POST', body: pod('v') });
  t.equal(denied.status, 403);
  t.equal(denied.json().message, 'pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"');
});

t.test('status errors carry kube-apiserver reasons, codes and messages', async (t) => {
  const missing = await admin(`${PODS}/nope`);
  t.same([missing.status, missing.json().reason, missing.json().message], [404, 'NotFound', 'pods "nope" not found']);
  const unknown = await admin('/apis/nothing.example/v1/things');
  t.same([unknown.status, unknown.json().message], [404, 'the server could not find the requested resource']);
  const created = await admin(PODS, { method: 'POST', body: pod('a') });
  t.equal(created.status, 201);
  const again = await admin(PODS, { method: 'POST', body: pod('a') });
  t.same([again.status, again.json().reason, again.json().message], [409, 'AlreadyExists', 'pods "a" already exists']);
  const stale = { ...created.json(), metadata: { ...created.json().metadata, resourceVersion: '1' } };
  const conflict = await admin(`${PODS}/a`, { method: 'PUT', body: stale });
  t.equal(conflict.status, 409);
  t.equal(conflict.json().message, 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again');
  const invalid = await admin(PODS, { method: 'POST', body: { ...pod('Bad_Name') } });
  t.equal(invalid.status, 422);
  t.equal(invalid.json().reason, 'Invalid');
  t.ok(invalid.json().details.causes.length > 0);
  t.equal((await admin(PODS, { method: 'POST', body: '{"kind": ' })).status, 400);
  const big = await admin(PODS, { method: 'POST', body: JSON.stringify({ ...pod('big'), pad: 'x'.repeat(3 * 1024 * 1024) }) });
  t.same([big.status, big.json().reason], [413, 'RequestEntityTooLarge']);
  const media = await admin(`${PODS}/a`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'text/plain' } });
  t.same([media.status, media.json().reason], [415, 'UnsupportedMediaType']);
  t.equal((await admin(`${PODS}/a`, { method: 'POST', body: pod('a') })).status, 405);
  t.equal((await admin(PODS, { headers: { accept: 'application/vnd.kubernetes.protobuf' } })).status, 406);
  const status = (await admin(`${PODS}/a`, { method: 'PATCH', body: '{"status":{"phase":"Running"}}', headers: { 'content-type': 'application/merge-patch+json' } })).json();
  t.not(status.status?.phase, 'Running', 'status is not changed through the main resource');
});

t.test('list paging with continue, label selectors and Table output', async (t) => {
  for (let i = 0; i < 5; i++) t.equal((await admin(PODS, { method: 'POST', body: pod(`page-${i}`, { page: 'yes' }) })).status, 201);
  const first = (await admin(`${PODS}?labelSelector=page%3Dyes&limit=2`)).json();
  t.equal(first.items.length, 2);
  t.type(first.metadata.continue, 'string');
  const names = first.items.map((p: { metadata: { name: string } }) => p.metadata.name);
  let token = first.metadata.continue as string | undefined;
  for (let i = 0; token !== undefined && i < 5; i++) {
    const page = (await admin(`${PODS}?labelSelector=page%3Dyes&limit=2&continue=${encodeURIComponent(token)}`)).json();
    names.push(...page.items.map((p: { metadata: { name: string } }) => p.metadata.name));
    token = page.metadata.continue;
  }
  t.same(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  const table = (await admin(`${PODS}?labelSelector=page%3Dyes`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } })).json();
  t.equal(table.kind, 'Table');
  t.same(table.columnDefinitions.slice(0, 5).map((c: { name: string }) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  t.equal(table.rows.length, 5);
  const discovery = await admin('/api', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
  t.match(discovery.headers['content-type'], 'as=APIGroupDiscoveryList');
  t.ok(discovery.json().items[0].versions[0].resources.some((r: { resource: string }) => r.resource === 'pods'));
});

t.test('watch: current state then changes, and 410 Expired after compaction', async (t) => {
  const listed = (await admin(PODS)).json();
  const rv = Number(listed.metadata.resourceVersion);
  await admin(`${PODS}/page-0`, { method: 'DELETE' });
  const events = (await call(server.url, { path: `${PODS}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`, ca: server.credentials.ca.certificatePem, token: server.credentials.adminToken })).text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
  t.same(events.map((e) => [e.type, e.object.metadata.name]), [['DELETED', 'page-0']]);
  const now = (await admin(PODS)).json().metadata.resourceVersion;
  await server.cluster.node('p1').kv.compact({ revision: Number(now) });
  const expired = (await call(server.url, { path: `${PODS}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`, ca: server.credentials.ca.certificatePem, token: server.credentials.adminToken })).text;
  const error = JSON.parse(expired.trim().split('\n')[0] ?? '{}') as { type: string; object: { code: number; reason: string } };
  t.same([error.type, error.object.code, error.object.reason], ['ERROR', 410, 'Expired']);
});

t.test('services get distinct ClusterIPs and NodePorts from their ranges', async (t) => {
  const seen = new Set<string>();
  const ports = new Set<number>();
  for (let i = 0; i < 4; i++) {
    const svc = await admin('/api/v1/namespaces/default/services', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}` }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }] } },
    });
    t.equal(svc.status, 201, svc.text);
    const spec = svc.json().spec;
    t.match(spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);
    t.ok(spec.ports[0].nodePort >= 30000 && spec.ports[0].nodePort <= 32767);
    seen.add(spec.clusterIP);
    ports.add(spec.ports[0].nodePort);
  }
  t.equal(seen.size, 4);
  t.equal(ports.size, 4);
  const taken = await admin('/api/v1/namespaces/default/services', {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dup' }, spec: { clusterIP: [...seen][0], ports: [{ port: 80 }] } },
  });
  t.equal(taken.status, 422, 'a ClusterIP in use is refused');
});

t.test('@kubernetes/client-node works with the generated kubeconfig as it is', async (t) => {
  const config = new KubeConfig();
  config.loadFromFile(server.kubeconfigPath);
  const core = config.makeApiClient(CoreV1Api);
  const namespaces = await core.listNamespace();
  t.ok(namespaces.items.some((n) => n.metadata?.name === 'kube-system'));
  const created = await core.createNamespacedConfigMap?.({ namespace: 'default', body: { metadata: { name: 'cm' }, data: { a: '1' } } }).catch((e: unknown) => e);
  t.ok(created !== undefined);
  const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'page=yes' });
  t.ok(pods.items.length >= 4);
});
