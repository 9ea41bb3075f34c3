import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startK8sServer, type K8sServer } from './fixtures/k8s-server.js';

const run = promisify(execFile);
let server: K8sServer;

async function kubectl(args: string[], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], { timeout: timeoutMs });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

t.before(async () => {
  server = await startK8sServer();
});
t.teardown(() => server.close());

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
`;

t.test('system namespaces exist from the first start', async (t) => {
  const out = await kubectl(['get', 'namespaces']);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /^NAME\s+STATUS\s+AGE\n/);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) t.match(out.stdout, new RegExp(`^${ns}\\s+Active\\s+`, 'm'));
});

t.test('apply twice, label, annotate, patch, columns, delete', async (t) => {
  const file = join(server.dataDir, 'pod.yaml');
  await writeFile(file, POD);
  t.equal((await kubectl(['apply', '-f', file])).stdout.trim(), 'pod/web created');
  t.equal((await kubectl(['apply', '-f', file])).stdout.trim(), 'pod/web unchanged');
  t.equal((await kubectl(['label', 'pod', 'web', 'tier=frontend'])).stdout.trim(), 'pod/web labeled');
  t.equal((await kubectl(['annotate', 'pod', 'web', 'owner=team-a'])).stdout.trim(), 'pod/web annotated');
  t.equal((await kubectl(['patch', 'pod', 'web', '-p', '{"metadata":{"labels":{"patched":"yes"}}}'])).stdout.trim(), 'pod/web patched');
  const get = await kubectl(['get', 'pods', '--show-labels']);
  t.match(get.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+LABELS\n/);
  t.match(get.stdout, /^web\s+0\/1\s+Pending\s+0\s+\d+s\s+app=web,patched=yes,tier=frontend\n/m);
  const wide = await kubectl(['get', 'pod', 'web', '-o', 'wide']);
  t.match(wide.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
  const all = await kubectl(['get', 'all', '-A']);
  t.match(all.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.match(all.stdout, /^default\s+pod\/web\s+0\/1\s+Pending/m);
  const json = JSON.parse((await kubectl(['get', 'pod', 'web', '-o', 'json'])).stdout) as { metadata: { annotations: Record<string, string>; uid: string } };
  t.equal(json.metadata.annotations['owner'], 'team-a');
  t.match(json.metadata.uid, /^[0-9a-f-]{36}$/);
  const del = await kubectl(['delete', 'pod', 'web'], 15_000);
  t.equal(del.stdout.trim(), 'pod "web" deleted', del.stderr);
  const gone = await kubectl(['get', 'pod', 'web']);
  t.equal(gone.stderr.trim(), 'Error from server (NotFound): pods "web" not found');
});

t.test('strict field validation reports unknown fields as kube-apiserver does', async (t) => {
  const file = join(server.dataDir, 'bad.yaml');
  await writeFile(file, POD.replace('name: web', 'name: bad').replace('image: nginx:1.27', 'image: nginx:1.27\n    foo: bar'));
  const out = await kubectl(['create', '-f', file]);
  t.not(out.code, 0);
  t.match(out.stderr, 'strict decoding error: unknown field "spec.containers[0].foo"');
});

t.test('get -w streams the changes and ends at the request timeout', async (t) => {
  const file = join(server.dataDir, 'watched.yaml');
  await writeFile(file, POD.replace('name: web', 'name: watched'));
  const watching = kubectl(['get', 'pods', '-w', '--request-timeout=4s'], 15_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await kubectl(['apply', '-f', file]);
  await kubectl(['label', 'pod', 'watched', 'seen=yes']);
  const out = await watching;
  t.match(out.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.ok(out.stdout.split('\n').filter((l) => l.startsWith('watched ')).length >= 2, out.stdout);
  await kubectl(['delete', 'pod', 'watched']);
});

const deployment = (strategy: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: { app: api }
${strategy}  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - { name: api, image: nginx }
`;

t.test('apply switches a Deployment from RollingUpdate to Recreate ($retainKeys)', async (t) => {
  const file = join(server.dataDir, 'deployment.yaml');
  await writeFile(file, deployment(''));
  t.equal((await kubectl(['apply', '-f', file])).stdout.trim(), 'deployment.apps/api created');
  await writeFile(file, deployment('  strategy:\n    type: Recreate\n'));
  const second = await kubectl(['apply', '-f', file]);
  t.equal(second.stdout.trim(), 'deployment.apps/api configured', second.stderr);
  const got = JSON.parse((await kubectl(['get', 'deployment', 'api', '-o', 'json'])).stdout) as { spec: { strategy: Record<string, unknown> } };
  t.same(got.spec.strategy, { type: 'Recreate' }, 'rollingUpdate was dropped, as $retainKeys asks');
  await kubectl(['delete', 'deployment', 'api']);
});
