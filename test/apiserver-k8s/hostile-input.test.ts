import { request } from 'node:https';
import t from 'tap';
import { startK8sServer, type K8sServer } from './fixtures/k8s-server.js';
import { call, type HttpAnswer } from './fixtures/https-client.js';

/**
 * Requests that once crashed a peer, wedged a client or were answered wrongly: each is
 * answered as kube-apiserver answers it, and the peer goes on serving.
 */
let server: K8sServer;
t.before(async () => {
  server = await startK8sServer();
});
t.teardown(() => server.close());

const admin = (path: string, rest: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> =>
  call(server.url, {
    path,
    ca: server.credentials.ca.certificatePem,
    token: server.credentials.adminToken,
    ...(rest.method === undefined ? {} : { method: rest.method }),
    ...(rest.body === undefined ? {} : { body: typeof rest.body === 'string' ? rest.body : JSON.stringify(rest.body) }),
    ...(rest.headers === undefined ? {} : { headers: rest.headers }),
  });

/** A watch kept open: the lines it has streamed so far, whether it has ended, and a way to stop it. */
function openWatch(path: string): { lines: () => string[]; ended: () => boolean; close: () => void } {
  let text = '';
  let done = false;
  const req = request(new URL(path, server.url), { ca: server.credentials.ca.certificatePem, headers: { authorization: `Bearer ${server.credentials.adminToken}` } }, (res) => {
    res.on('data', (c: Buffer) => (text += c.toString('utf8')));
    res.on('end', () => (done = true));
    res.on('error', () => (done = true));
  });
  req.on('error', () => (done = true));
  req.end();
  return { lines: () => text.split('\n').filter((l) => l !== ''), ended: () => done, close: () => req.destroy() };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const peerRuns = (): boolean => server.cluster.node('p1').peer.running;
const CMS = '/api/v1/namespaces/default/configmaps';
const PODS = '/api/v1/namespaces/default/pods';

t.test('labels: null with a label-selector watch open: no crash, stored as no labels', async (t) => {
  const watch = openWatch(`${CMS}?watch=true&labelSelector=app%3Dx&timeoutSeconds=5`);
  t.teardown(watch.close);
  await sleep(200);
  const created = await admin(CMS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nulllabels', labels: null, annotations: null }, data: { a: 'b' } } });
  t.equal(created.status, 201);
  t.notOk('labels' in created.json().metadata, 'null labels decode as none');
  t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name: 'labelled', labels: { app: 'x' } } } })).status, 201);
  await sleep(300);
  t.ok(peerRuns(), 'the peer still runs');
  t.same(watch.lines().map((l) => JSON.parse(l).object.metadata.name), ['labelled'], 'the watch goes on and sees the matching object');
  const listed = await admin(`${CMS}?labelSelector=app%3Dx`);
  t.same([listed.status, listed.json().items.length], [200, 1]);
});

t.test('a value under /registry that is not JSON ends a watch with an ERROR event, not the peer', async (t) => {
  const watch = openWatch(`${CMS}?watch=true&resourceVersion=0&timeoutSeconds=5`);
  t.teardown(watch.close);
  await sleep(200);
  await server.cluster.node('p1').kv.put({ key: new TextEncoder().encode('/registry/core/configmaps/default/garbage'), value: new TextEncoder().encode('not json') });
  for (let i = 0; i < 50 && !watch.ended(); i++) await sleep(50);
  t.ok(watch.ended(), 'the watch ended');
  const last = JSON.parse(watch.lines().at(-1) ?? '{}') as { type: string; object: { code: number; reason: string; message: string } };
  t.same([last.type, last.object.code, last.object.reason], ['ERROR', 500, 'InternalError']);
  t.match(last.object.message, /unable to decode an event from the watch stream/);
  t.ok(peerRuns(), 'the peer still runs');
  t.equal((await admin('/api/v1/namespaces')).status, 200);
  await server.cluster.node('p1').kv.deleteRange({ key: new TextEncoder().encode('/registry/core/configmaps/default/garbage') });
});

t.test('bodies are decoded against the kind: wrong types are 400, unknown fields are dropped', async (t) => {
  const wrongType = await admin(CMS, { method: 'POST', body: { metadata: { name: 'typed' }, data: { a: 1 } } });
  t.same([wrongType.status, wrongType.json().reason], [400, 'BadRequest']);
  t.match(wrongType.json().message, /^ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number .* into Go struct field ConfigMap\.data(\.a)? of type string$/);
  const badSpec = await admin(PODS, { method: 'POST', body: { metadata: { name: 'p' }, spec: { containers: 'x' } } });
  t.equal(badSpec.status, 400);
  const nullSpec = await admin(PODS, { method: 'POST', body: { metadata: { name: 'p' }, spec: null } });
  t.equal(nullSpec.status, 422, 'a null spec is an empty spec, which validation refuses');
  let deep: unknown = 'x';
  for (let i = 0; i < 2000; i++) deep = { d: deep };
  const tooDeep = await admin(CMS, { method: 'POST', body: { metadata: { name: 'deep' }, junk: deep } });
  t.same([tooDeep.status, tooDeep.json().reason], [400, 'BadRequest']);
  const typo = await admin(CMS, { method: 'POST', body: { metadata: { name: 'typo' }, datta: { a: 'b' } } });
  t.equal(typo.status, 201);
  t.match(typo.headers['warning'], /unknown field \\"datta\\"/);
  t.notOk('datta' in (await admin(`${CMS}/typo`)).json(), 'an unknown field is not stored');
  const node = await admin('/api/v1/nodes', { method: 'POST', body: { metadata: { name: 'n1' }, status: 'x' } });
  t.equal(node.status, 400, 'a node with a string status is refused, not stored for every client to trip on');
  const patched = await admin(`${CMS}/typo`, { method: 'PATCH', body: { data: { a: 5 } }, headers: { 'content-type': 'application/merge-patch+json' } });
  t.equal(patched.status, 400, 'a patch that makes a wrong type is refused too');
  t.ok(peerRuns());
});

t.test('a JSON patch that sets another resourceVersion is a conflict', async (t) => {
  t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name: 'jp' } } })).status, 201);
  const stale = await admin(`${CMS}/jp`, {
    method: 'PATCH',
    body: [{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }],
    headers: { 'content-type': 'application/json-patch+json' },
  });
  t.same([stale.status, stale.json().reason], [409, 'Conflict']);
  const plain = await admin(`${CMS}/jp`, { method: 'PATCH', body: [{ op: 'add', path: '/data', value: { k: 'v' } }], headers: { 'content-type': 'application/json-patch+json' } });
  t.equal(plain.status, 200, 'one that leaves it alone applies');
});

t.test('a delete with dryRun in its DeleteOptions body deletes nothing', async (t) => {
  t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name: 'dry' } } })).status, 201);
  const dry = await admin(`${CMS}/dry`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] } });
  t.equal(dry.status, 200);
  t.equal((await admin(`${CMS}/dry`)).status, 200, 'still there');
  const bad = await admin(`${CMS}/dry`, { method: 'DELETE', body: { dryRun: ['Some'] } });
  t.equal(bad.status, 400);
  t.equal((await admin(`${CMS}/dry`, { method: 'DELETE' })).status, 200);
  t.equal((await admin(`${CMS}/dry`)).status, 404);
});

t.test('pods/binding assigns a node once; pods/eviction deletes; neither creates a pod', async (t) => {
  const pod = { metadata: { name: 'bindme' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  t.equal((await admin(PODS, { method: 'POST', body: pod })).status, 201);
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
  const bound = await admin(`${PODS}/bindme/binding`, { method: 'POST', body: binding });
  t.same([bound.status, bound.json().status], [201, 'Success']);
  const got = (await admin(`${PODS}/bindme`)).json();
  t.equal(got.spec.nodeName, 'node-1');
  t.ok(got.status.conditions.some((c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'True'));
  const again = await admin(`${PODS}/bindme/binding`, { method: 'POST', body: binding });
  t.same([again.status, again.json().reason], [409, 'Conflict']);
  const sneaky = await admin(`${PODS}/bindme/binding`, { method: 'POST', body: { metadata: { name: 'sneaky' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
  t.equal(sneaky.status, 400);
  t.equal((await admin(`${PODS}/sneaky`)).status, 404, 'no pod was made from the body');
  const noTarget = await admin(`${PODS}/bindme/binding`, { method: 'POST', body: { metadata: { name: 'bindme' }, target: {} } });
  t.equal(noTarget.status, 422);

  t.equal((await admin(PODS, { method: 'POST', body: { ...pod, metadata: { name: 'evictme' } } })).status, 201);
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictme' } };
  const dry = await admin(`${PODS}/evictme/eviction?dryRun=All`, { method: 'POST', body: eviction });
  t.equal(dry.status, 201);
  t.equal((await admin(`${PODS}/evictme`)).status, 200, 'a dry-run eviction keeps the pod');
  const evicted = await admin(`${PODS}/evictme/eviction`, { method: 'POST', body: eviction });
  t.same([evicted.status, evicted.json().status], [201, 'Success']);
  t.equal((await admin(`${PODS}/evictme`)).status, 404, 'an unbound pod goes at once');
  const wrongName = await admin(`${PODS}/bindme/eviction`, { method: 'POST', body: { ...eviction } });
  t.equal(wrongName.status, 400);
  t.equal((await admin(`${PODS}/bindme/log`, { method: 'POST', body: {} })).status, 405);
});

t.test('watches of one named object see only it; ?watch on a named GET is a get', async (t) => {
  for (const name of ['w1', 'w2']) t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name } } })).status, 201);
  const named = (await admin(`/api/v1/watch/namespaces/default/configmaps/w1?resourceVersion=0&timeoutSeconds=1`)).text.trim().split('\n');
  t.same(named.map((l) => JSON.parse(l).object.metadata.name), ['w1']);
  const get = await admin(`${CMS}/w1?watch=true`);
  t.same([get.status, get.json().kind, get.json().metadata.name], [200, 'ConfigMap', 'w1']);
});

t.test('watch timeouts: 0 is the server default, and a huge one does not end the watch at once', async (t) => {
  for (const seconds of [0, 3_000_000]) {
    const watch = openWatch(`${CMS}?watch=true&timeoutSeconds=${seconds}`);
    await sleep(1_500);
    t.notOk(watch.ended(), `timeoutSeconds=${seconds} keeps the watch open`);
    watch.close();
  }
});

t.test('numbers out of range in list options are 400 or served, never 500', async (t) => {
  t.equal((await admin(`${CMS}?limit=9007199254740993`)).status, 200, 'a huge limit is no limit');
  t.equal((await admin(`${CMS}?limit=99999999999999999999`)).status, 400, 'past int64');
  t.equal((await admin(`${CMS}?resourceVersion=99999999999999999999&resourceVersionMatch=Exact`)).status, 400);
  const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1e300, start: 'x' })).toString('base64url');
  t.equal((await admin(`${CMS}?limit=1&continue=${token}`)).status, 400);
  t.ok(peerRuns());
});

t.test('an update asking for a NodePort another Service holds is 422, not 500', async (t) => {
  const SVCS = '/api/v1/namespaces/default/services';
  const np = (name: string, nodePort?: number) => ({ metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, ...(nodePort === undefined ? {} : { nodePort }) }] } });
  t.equal((await admin(SVCS, { method: 'POST', body: np('np1', 30080) })).status, 201);
  t.equal((await admin(SVCS, { method: 'POST', body: np('np2') })).status, 201);
  const taken = await admin(`${SVCS}/np2`, { method: 'PATCH', body: { spec: { ports: [{ port: 80, nodePort: 30080 }] } }, headers: { 'content-type': 'application/merge-patch+json' } });
  t.same([taken.status, taken.json().reason], [422, 'Invalid']);
  t.match(taken.json().message, /already allocated/);
});

t.test('an update names its object: a different uid is a conflict; a Service keeps its ClusterIP', async (t) => {
  const created = await admin(CMS, { method: 'POST', body: { metadata: { name: 'uid' } } });
  const put = await admin(`${CMS}/uid`, { method: 'PUT', body: { metadata: { name: 'uid', uid: 'zzz' }, data: { a: 'b' } } });
  t.same([put.status, put.json().reason], [409, 'Conflict']);
  t.match(put.json().message, `Precondition failed: UID in precondition: zzz, UID in object meta: ${created.json().metadata.uid}`);
  const same = await admin(`${CMS}/uid`, { method: 'PUT', body: { metadata: { name: 'uid', uid: created.json().metadata.uid }, data: { a: 'b' } } });
  t.equal(same.status, 200);
  const SVCS = '/api/v1/namespaces/default/services';
  const svc = await admin(SVCS, { method: 'POST', body: { metadata: { name: 'ipkeep' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } } });
  t.equal(svc.status, 201);
  const moved = await admin(`${SVCS}/ipkeep`, { method: 'PATCH', body: { spec: { clusterIP: '10.96.0.99' } }, headers: { 'content-type': 'application/merge-patch+json' } });
  t.same([moved.status, moved.json().reason], [422, 'Invalid']);
  t.equal((await admin(`${SVCS}/ipkeep`)).json().spec.clusterIP, svc.json().spec.clusterIP);
});

t.test('list options are validated as apimachinery validates them: 422 on ListOptions', async (t) => {
  const unless = await admin(`${CMS}?resourceVersionMatch=Exact`);
  t.same([unless.status, unless.json().reason], [422, 'Invalid']);
  t.equal(unless.json().message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  t.equal((await admin(`${CMS}?resourceVersion=0&resourceVersionMatch=Exact`)).status, 422);
  t.match((await admin(`${CMS}?resourceVersion=5&resourceVersionMatch=exact`)).json().message, /Unsupported value: "exact"/);
  t.equal((await admin(`${CMS}?sendInitialEvents=true`)).status, 422, 'sendInitialEvents is for watches');
  t.equal((await admin(`${CMS}?resourceVersion=1&resourceVersionMatch=NotOlderThan`)).status, 200);
  const watchNoInitial = await admin(`${CMS}?watch=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`);
  t.equal(watchNoInitial.status, 422);
  const streamed = await admin(`${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`);
  t.equal(streamed.status, 200);
  const last = JSON.parse(streamed.text.trim().split('\n').at(-1) ?? '{}') as { type: string; object: { metadata: { annotations?: Record<string, string> } } };
  t.same([last.type, last.object.metadata.annotations?.['k8s.io/initial-events-end']], ['BOOKMARK', 'true']);
});

t.test('paths that name nothing: a cluster-scoped kind under a namespace, a PUT to a collection', async (t) => {
  const nested = await admin('/api/v1/namespaces/default/namespaces', { method: 'POST', body: { metadata: { name: 'nested' } } });
  t.equal(nested.status, 404);
  t.equal((await admin('/api/v1/namespaces/nested')).status, 404, 'no namespace was made');
  t.equal((await admin('/api/v1/namespaces/default/nodes')).status, 404);
  t.equal((await admin(CMS, { method: 'PUT', body: { metadata: { name: 'x' } } })).status, 405);
  t.equal((await admin(CMS, { method: 'PATCH', body: {}, headers: { 'content-type': 'application/merge-patch+json' } })).status, 405);
});

t.test('pods/log is text, never the pod object', async (t) => {
  const two = { metadata: { name: 'logs2' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] } };
  t.equal((await admin(PODS, { method: 'POST', body: two })).status, 201);
  const unnamed = await admin(`${PODS}/logs2/log`);
  t.same([unnamed.status, unnamed.json().message], [400, 'a container name must be specified for pod logs2, choose one of: [a b]']);
  const empty = await admin(`${PODS}/logs2/log?container=a`);
  t.same([empty.status, empty.headers['content-type'], empty.text], [200, 'text/plain', ''], 'an unscheduled pod has no logs yet');
  t.equal((await admin(`${PODS}/logs2/log?container=zz`)).status, 400);
});

t.test('an expired continue token gets a 410 with a token that goes on at the latest revision', async (t) => {
  for (const name of ['pg1', 'pg2', 'pg3']) t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name, labels: { pg: 'yes' } } } })).status, 201);
  const first = (await admin(`${CMS}?labelSelector=pg%3Dyes&limit=1`)).json();
  t.same(first.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['pg1']);
  t.equal((await admin(CMS, { method: 'POST', body: { metadata: { name: 'pg4', labels: { pg: 'yes' } } } })).status, 201);
  const now = Number((await admin(CMS)).json().metadata.resourceVersion);
  await server.cluster.node('p1').kv.compact({ revision: now });
  const expired = await admin(`${CMS}?labelSelector=pg%3Dyes&limit=1&continue=${first.metadata.continue}`);
  t.same([expired.status, expired.json().reason], [410, 'Expired']);
  const token = expired.json().metadata.continue as string;
  t.equal(JSON.parse(Buffer.from(token, 'base64url').toString()).rv, -1);
  const rest = (await admin(`${CMS}?labelSelector=pg%3Dyes&continue=${token}`)).json();
  t.same(rest.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['pg2', 'pg3', 'pg4'], 'the rest, at the latest revision');
});
