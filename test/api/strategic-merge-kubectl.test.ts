/**
 * Differential test: each patch is applied by our strategicMergePatch and by the real
 * kubectl (`kubectl patch --local`, which runs apimachinery's strategicpatch on the Go types
 * offline), and the results must be identical.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { KindDeclaration } from '../../src/api/kind.js';
import { deploymentKind } from '../../src/api/kinds/deployment.js';
import { podKind } from '../../src/api/kinds/pod.js';
import { serviceKind } from '../../src/api/kinds/service.js';
import { strategicMergePatch } from '../../src/api/patch/strategic-merge.js';

const run = promisify(execFile);

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, finalizers: ['example.com/a', 'example.com/b'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        nodeSelector: { disk: 'hdd', zone: 'z1' },
        tolerations: [{ key: 'a', operator: 'Exists' }],
        volumes: [{ name: 'data', hostPath: { path: '/srv' } }],
        containers: [
          {
            name: 'a',
            image: 'a:1',
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
          { name: 'b', image: 'b:1' },
        ],
      },
    },
  },
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'svc' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }] },
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'c:1' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};

const podSpec = (patch: Record<string, unknown>): Record<string, unknown> => ({ spec: { template: { spec: patch } } });

const cases: [string, KindDeclaration, Record<string, unknown>, Record<string, unknown>][] = [
  ['new container without order', deploymentKind, deployment, podSpec({ containers: [{ name: 'c', image: 'c:1' }] })],
  ['new container with $setElementOrder', deploymentKind, deployment, podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }, { name: 'b' }], containers: [{ name: 'c', image: 'c:1' }] })],
  ['delete a container', deploymentKind, deployment, podSpec({ '$setElementOrder/containers': [{ name: 'b' }], containers: [{ $patch: 'delete', name: 'a' }] })],
  [
    'env delete, port merge, mount merge',
    deploymentKind,
    deployment,
    podSpec({
      containers: [
        {
          name: 'a',
          '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }],
          env: [{ $patch: 'delete', name: 'A' }, { name: 'C', value: '3' }],
          ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }],
        },
      ],
    }),
  ],
  ['strategy $retainKeys', deploymentKind, deployment, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } }],
  ['volume source swap with $retainKeys', deploymentKind, deployment, podSpec({ volumes: [{ name: 'data', $retainKeys: ['emptyDir', 'name'], emptyDir: {} }] })],
  ['finalizers delete and union', deploymentKind, deployment, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'], finalizers: ['example.com/c'] } }],
  ['labels: add and null-delete', deploymentKind, deployment, { metadata: { labels: { tier: null, env: 'prod' } } }],
  ['nodeSelector $patch replace', deploymentKind, deployment, podSpec({ nodeSelector: { $patch: 'replace', disk: 'ssd' } })],
  ['tolerations are replaced', deploymentKind, deployment, podSpec({ tolerations: [{ key: 'b', operator: 'Exists' }] })],
  ['containers $patch replace', deploymentKind, deployment, podSpec({ containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] })],
  ['service ports merge by port', serviceKind, service, { spec: { ports: [{ port: 443, targetPort: 8443 }, { port: 8080, name: 'alt' }] } }],
  ['pod conditions merge by type', podKind, pod, { status: { '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'PodScheduled' }], conditions: [{ type: 'Ready', status: 'True' }] } }],
  ['scale through the main resource', deploymentKind, deployment, { spec: { replicas: 5 } }],
];

t.test('strategicMergePatch agrees with kubectl patch --local', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-smp-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [name, declaration, original, patch] of cases) {
    const file = join(dir, 'object.json');
    await writeFile(file, JSON.stringify(original));
    const { stdout } = await run('kubectl', ['patch', '--local', '-f', file, '--type', 'strategic', '-p', JSON.stringify(patch), '-o', 'json'], {
      timeout: 20_000,
      env: { ...process.env, KUBECONFIG: '/dev/null' },
    });
    const expected = JSON.parse(stdout) as unknown;
    t.strictSame(strategicMergePatch(original, patch, declaration.schema), expected, name);
  }
});

const ERROR_CASES: [string, Record<string, unknown>][] = [
  ['$patch: merge in a map', { metadata: { labels: { $patch: 'merge', x: 'y' } } }],
  ['$patch: merge in a list', podSpec({ containers: [{ $patch: 'merge' }] })],
  ['missing merge key', podSpec({ containers: [{ image: 'x', args: ['a'] }] })],
  ['unknown directive', { spec: { $patch: 'explode', replicas: 1 } }],
];

t.test('strategic merge patch errors read as kubectl\'s', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-smp-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'object.json');
  await writeFile(file, JSON.stringify(deployment));
  for (const [name, patch] of ERROR_CASES) {
    const expected = await new Promise<string>((resolve) => {
      execFile('kubectl', ['patch', '--local', '-f', file, '--type', 'strategic', '-p', JSON.stringify(patch), '-o', 'json'], { timeout: 20_000, env: { ...process.env, KUBECONFIG: '/dev/null' } }, (_e, _out, stderr) =>
        resolve(stderr.trim().replace(/^error: /, '')),
      );
    });
    t.throws(() => strategicMergePatch(deployment, patch, deploymentKind.schema), { message: expected }, name);
  }
});
