/**
 * The real kubectl against a real `raftplane up` cluster, through the load balancer, with
 * the kubeconfig up wrote: no --insecure-skip-tls-verify, no --validate=false.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startUpCluster, type UpCluster } from './fixtures/up-cluster.js';

let cluster: UpCluster;
let failed = false;

t.before(async () => {
  cluster = await startUpCluster();
});
t.afterEach((t) => {
  if (!t.passing()) failed = true;
});
t.teardown(async () => {
  const tails = await cluster.stop(failed);
  if (tails !== '') console.error(tails);
});

async function manifest(name: string, text: string): Promise<string> {
  const file = join(cluster.setup.dir, name);
  await writeFile(file, text);
  return file;
}

async function ok(args: string[], timeoutMs?: number): Promise<string> {
  const out = await cluster.kubectl(args, timeoutMs);
  if (out.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
  return out.stdout;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: box
  labels: {app: box}
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: [sleep, "3600"]
`;

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels: {kubernetes.io/hostname: worker-1}
`;

t.test('apply the same manifest twice; scale; describe; columns of a Deployment', async (t) => {
  const file = await manifest('deployment.yaml', DEPLOYMENT);
  t.equal((await ok(['apply', '-f', file])).trim(), 'deployment.apps/web created');
  t.equal((await ok(['apply', '-f', file])).trim(), 'deployment.apps/web unchanged', 'the second apply changes nothing');
  t.equal((await ok(['scale', 'deployment/web', '--replicas=3'])).trim(), 'deployment.apps/web scaled');
  const spec = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json'])) as { spec: { replicas: number } };
  t.equal(spec.spec.replicas, 3, 'scale wrote spec.replicas');
  const get = await ok(['get', 'deployments']);
  t.match(get, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/, 'Deployment columns as in Kubernetes');
  t.match(get, /^web\s+0\/3\s+0\s+0\s+\d+s\n/m);
  const wide = await ok(['get', 'deployment', 'web', '-o', 'wide']);
  t.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
  const describe = await ok(['describe', 'deployment', 'web']);
  t.match(describe, /^Name:\s+web$/m);
  t.match(describe, /^Namespace:\s+default$/m);
  t.match(describe, /^Selector:\s+app=web$/m);
  t.match(describe, /^Replicas:\s+3 desired/m);
  t.match(describe, /^StrategyType:\s+RollingUpdate$/m, 'defaults applied on create');
  t.match(describe, /Image:\s+nginx:1\.27/);
});

t.test('create -f, label, annotate, patch (strategic, merge, json), describe a pod', async (t) => {
  const file = await manifest('pod.yaml', POD);
  t.equal((await ok(['create', '-f', file])).trim(), 'pod/box created');
  const again = await cluster.kubectl(['create', '-f', file]);
  t.not(again.code, 0);
  t.equal(again.stderr.trim(), 'Error from server (AlreadyExists): error when creating "' + file + '": pods "box" already exists');
  t.equal((await ok(['label', 'pod', 'box', 'tier=backend'])).trim(), 'pod/box labeled');
  t.equal((await ok(['annotate', 'pod', 'box', 'owner=team-b'])).trim(), 'pod/box annotated');
  const strategic = '{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}';
  t.equal((await ok(['patch', 'pod', 'box', '--type', 'strategic', '-p', strategic])).trim(), 'pod/box patched');
  t.equal((await ok(['patch', 'pod', 'box', '--type', 'merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}'])).trim(), 'pod/box patched');
  const json = '[{"op":"add","path":"/metadata/annotations/jsonpatch","value":"done"}]';
  t.equal((await ok(['patch', 'pod', 'box', '--type', 'json', '-p', json])).trim(), 'pod/box patched');
  const pod = JSON.parse(await ok(['get', 'pod', 'box', '-o', 'json'])) as {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: { containers: Array<{ name: string; image: string; command: string[] }> };
  };
  t.same(pod.metadata.labels, { app: 'box', tier: 'backend', merged: 'yes' });
  t.equal(pod.metadata.annotations['owner'], 'team-b');
  t.equal(pod.metadata.annotations['jsonpatch'], 'done');
  t.equal(pod.spec.containers.length, 1, 'the strategic patch merged the container by name');
  t.equal(pod.spec.containers[0]!.image, 'busybox:1.37');
  t.same(pod.spec.containers[0]!.command, ['sleep', '3600'], 'fields the patch did not name are kept');
  const describe = await ok(['describe', 'pod', 'box']);
  t.match(describe, /^Name:\s+box$/m);
  t.match(describe, /^Status:\s+Pending$/m);
  t.match(describe, /^Labels:\s+app=box$/m);
  t.match(describe, /Image:\s+busybox:1\.37/);
  const get = await ok(['get', 'pods', '-l', 'app=box']);
  t.match(get, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nbox\s+0\/1\s+Pending\s+0\s+\d+s\n$/);
});

t.test('server-side apply creates, then updates; run and expose', async (t) => {
  const file = await manifest('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n');
  t.equal((await ok(['apply', '--server-side', '-f', file])).trim(), 'configmap/ssa serverside-applied', 'an absent object is created');
  await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "2"\n');
  t.equal((await ok(['apply', '--server-side', '-f', file])).trim(), 'configmap/ssa serverside-applied');
  t.equal(await ok(['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.a}']), '2');
  t.equal((await ok(['run', 'runner', '--image=nginx:1.27', '--labels=app=runner'])).trim(), 'pod/runner created');
  t.equal((await ok(['expose', 'pod', 'runner', '--port=80'])).trim(), 'service/runner exposed');
  const svc = await ok(['get', 'service', 'runner']);
  t.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nrunner\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n$/);
  t.equal((await ok(['delete', 'pod/runner', 'service/runner', 'configmap/ssa'], 15_000)).trim(), 'pod "runner" deleted\nservice "runner" deleted\nconfigmap "ssa" deleted');
});

t.test('kubectl create generators (protobuf request bodies)', async (t) => {
  t.equal((await ok(['create', 'namespace', 'gen'])).trim(), 'namespace/gen created');
  t.equal((await ok(['-n', 'gen', 'create', 'configmap', 'cm', '--from-literal=a=b', '--from-literal=empty='])).trim(), 'configmap/cm created');
  t.equal(await ok(['-n', 'gen', 'get', 'configmap', 'cm', '-o', 'jsonpath={.data}']), '{"a":"b","empty":""}');
  t.equal((await ok(['-n', 'gen', 'create', 'secret', 'generic', 'sec', '--from-literal=k=v'])).trim(), 'secret/sec created');
  t.equal(await ok(['-n', 'gen', 'get', 'secret', 'sec', '-o', 'jsonpath={.data.k}']), Buffer.from('v').toString('base64'));
  t.equal((await ok(['-n', 'gen', 'create', 'deployment', 'dep', '--image=nginx:1.27', '--replicas=0', '--port=80'])).trim(), 'deployment.apps/dep created');
  const dep = JSON.parse(await ok(['-n', 'gen', 'get', 'deployment', 'dep', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string; ports: Array<{ containerPort: number }> }> } } } };
  t.equal(dep.spec.replicas, 0, 'replicas: 0 is kept (a pointer in protobuf), not defaulted to 1');
  t.equal(dep.spec.template.spec.containers[0]?.ports[0]?.containerPort, 80);
  t.equal((await ok(['-n', 'gen', 'create', 'job', 'job', '--image=busybox:1.36', '--', 'echo', 'hi'])).trim(), 'job.batch/job created');
  t.equal(await ok(['-n', 'gen', 'get', 'job', 'job', '-o', 'jsonpath={.spec.template.spec.containers[0].command}']), '["echo","hi"]');
  t.equal((await ok(['-n', 'gen', 'create', 'service', 'nodeport', 'np', '--tcp=80:http'])).trim(), 'service/np created');
  t.match(await ok(['-n', 'gen', 'get', 'service', 'np']), /^np\s+NodePort\s+10\.\S+\s+<none>\s+80:3\d{4}\/TCP\s+/m);
  t.equal((await ok(['-n', 'gen', 'create', 'serviceaccount', 'robot'])).trim(), 'serviceaccount/robot created');
  t.equal((await ok(['delete', 'namespace', 'gen'], 15_000)).trim(), 'namespace "gen" deleted');
});

t.test('a Node: create, cordon, uncordon, describe, columns', async (t) => {
  t.equal((await ok(['create', '-f', await manifest('node.yaml', NODE)])).trim(), 'node/worker-1 created');
  const get = await ok(['get', 'nodes']);
  t.match(get, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
  t.match(get, /^worker-1\s+Unknown\s+<none>\s+\d+s\s+\n?/m);
  t.equal((await ok(['cordon', 'worker-1'])).trim(), 'node/worker-1 cordoned');
  t.match(await ok(['get', 'node', 'worker-1']), /^worker-1\s+Unknown,SchedulingDisabled\s+/m);
  t.equal((await ok(['cordon', 'worker-1'])).trim(), 'node/worker-1 already cordoned');
  t.equal((await ok(['uncordon', 'worker-1'])).trim(), 'node/worker-1 uncordoned');
  const node = JSON.parse(await ok(['get', 'node', 'worker-1', '-o', 'json'])) as { spec: { unschedulable?: boolean } };
  t.not(node.spec.unschedulable, true, 'uncordon cleared spec.unschedulable');
  const describe = await ok(['describe', 'node', 'worker-1']);
  t.match(describe, /^Name:\s+worker-1$/m);
  t.match(describe, /^Unschedulable:\s+false$/m);
  t.equal((await ok(['delete', 'node', 'worker-1'], 15_000)).trim(), 'node "worker-1" deleted');
});

t.test('get -w streams changes and ends at --request-timeout', async (t) => {
  const file = await manifest('watched.yaml', POD.replace('name: box', 'name: watched').replace('app: box', 'app: watched'));
  const watching = cluster.kubectl(['get', 'pods', '-l', 'app=watched', '-w', '--request-timeout=4s'], 15_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await ok(['apply', '-f', file]);
  await ok(['label', 'pod', 'watched', 'seen=yes']);
  const out = await watching;
  t.match(out.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.ok(out.stdout.split('\n').filter((l) => l.startsWith('watched ')).length >= 2, out.stdout);
});

t.test('get all -A lists workloads with the columns of Kubernetes', async (t) => {
  const all = await ok(['get', 'all', '-A']);
  t.match(all, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.match(all, /^default\s+pod\/box\s+0\/1\s+Pending\s+0\s+/m);
  t.match(all, /^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/m);
  t.match(all, /^default\s+deployment\.apps\/web\s+0\/3\s+0\s+0\s+/m);
  const namespaces = await ok(['get', 'namespaces']);
  t.match(namespaces, /^NAME\s+STATUS\s+AGE\n/);
});

t.test('delete returns promptly and the objects are gone', async (t) => {
  const started = Date.now();
  t.equal((await ok(['delete', 'pod', 'box', 'watched'], 15_000)).trim(), 'pod "box" deleted\npod "watched" deleted');
  t.equal((await ok(['delete', 'deployment', 'web'], 15_000)).trim(), 'deployment.apps "web" deleted');
  t.ok(Date.now() - started < 10_000, `deletes took ${Date.now() - started} ms`);
  const gone = await cluster.kubectl(['get', 'pod', 'box']);
  t.equal(gone.stderr.trim(), 'Error from server (NotFound): pods "box" not found');
  t.equal((await cluster.kubectl(['get', 'pods'])).stderr.trim(), 'No resources found in default namespace.');
});
