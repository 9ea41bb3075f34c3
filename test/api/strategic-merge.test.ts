import t from 'tap';
import { deploymentKind } from '../../src/api/kinds/deployment.js';
import { nodeKind } from '../../src/api/kinds/node.js';
import { podKind } from '../../src/api/kinds/pod.js';
import { serviceKind } from '../../src/api/kinds/service.js';
import { jsonMergePatch } from '../../src/api/patch/json-merge.js';
import { strategicMergePatch } from '../../src/api/patch/strategic-merge.js';
import { isApiModelError } from '../../src/api/errors.js';

const containers = (names: string[]): { name: string; image: string }[] => names.map((name) => ({ name, image: `${name}:1` }));

function deploymentWith(podSpec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
    },
  };
}

const podSpecOf = (obj: Record<string, unknown>): Record<string, unknown> =>
  ((obj['spec'] as Record<string, unknown>)['template'] as Record<string, Record<string, unknown>>)['spec'] as Record<string, unknown>;

t.test('kubectl label / annotate: map entries merge, null removes one', async (t) => {
  const original = deploymentWith({ containers: containers(['app']) });
  const labelled = strategicMergePatch(original, { metadata: { labels: { env: 'prod' } } }, deploymentKind.schema);
  t.same((labelled['metadata'] as Record<string, unknown>)['labels'], { app: 'web', env: 'prod' });
  const removed = strategicMergePatch(labelled, { metadata: { labels: { env: null } } }, deploymentKind.schema);
  t.same((removed['metadata'] as Record<string, unknown>)['labels'], { app: 'web' });
  t.same((original['metadata'] as Record<string, unknown>)['labels'], { app: 'web' }, 'the original is not modified');
});

t.test('kubectl apply: container image change with $setElementOrder merges by name', async (t) => {
  const original = deploymentWith({ containers: [{ name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }, { name: 'side', image: 'busybox' }] });
  const patch = {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }], containers: [{ image: 'nginx:1.28', name: 'app' }] } } },
  };
  const patched = strategicMergePatch(original, patch, deploymentKind.schema);
  t.same(podSpecOf(patched)['containers'], [
    { name: 'app', image: 'nginx:1.28', imagePullPolicy: 'IfNotPresent' },
    { name: 'side', image: 'busybox' },
  ]);
});

t.test('kubectl apply: a removed container is sent as $patch: delete', async (t) => {
  const original = deploymentWith({ containers: containers(['a', 'b', 'c']) });
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }], containers: [{ $patch: 'delete', name: 'b' }] } } } };
  t.same(podSpecOf(strategicMergePatch(original, patch, deploymentKind.schema))['containers'], containers(['a', 'c']));
});

t.test('$setElementOrder: a new container goes where the order list puts it', async (t) => {
  const original = deploymentWith({ containers: containers(['a', 'c']) });
  const patch = {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'b', image: 'b:1' }] } } },
  };
  t.same(podSpecOf(strategicMergePatch(original, patch, deploymentKind.schema))['containers'], containers(['a', 'b', 'c']));
});

t.test('env merges by name, ports by containerPort, volumeMounts by mountPath', async (t) => {
  const original = deploymentWith({
    containers: [
      {
        name: 'app',
        image: 'x',
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
    ],
  });
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              '$setElementOrder/env': [{ name: 'A' }],
              env: [{ $patch: 'delete', name: 'B' }],
              ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
              volumeMounts: [{ mountPath: '/data', readOnly: true }],
            },
          ],
        },
      },
    },
  };
  const [container] = podSpecOf(strategicMergePatch(original, patch, deploymentKind.schema))['containers'] as Record<string, unknown>[];
  t.same(container?.['env'], [{ name: 'A', value: '1' }]);
  t.same(container?.['ports'], [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
  t.same(container?.['volumeMounts'], [{ name: 'data', mountPath: '/data', readOnly: true }]);
});

t.test('$retainKeys: switching a Deployment to Recreate drops rollingUpdate', async (t) => {
  const original = deploymentWith({ containers: containers(['app']) });
  const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
  const patched = strategicMergePatch(original, patch, deploymentKind.schema);
  t.same((patched['spec'] as Record<string, unknown>)['strategy'], { type: 'Recreate' });
  t.throws(() => strategicMergePatch(original, { spec: { strategy: { $retainKeys: ['type'], other: 1 } } }, deploymentKind.schema), {
    message: 'invalid patch format of retainKeys',
  });
});

t.test('$deleteFromPrimitiveList removes finalizers; primitive merge lists union', async (t) => {
  const original = deploymentWith({ containers: containers(['app']) });
  const removed = strategicMergePatch(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, deploymentKind.schema);
  t.same((removed['metadata'] as Record<string, unknown>)['finalizers'], ['b']);
  const added = strategicMergePatch(original, { metadata: { finalizers: ['c', 'a'] } }, deploymentKind.schema);
  t.same((added['metadata'] as Record<string, unknown>)['finalizers'], ['c', 'a', 'b']);
});

t.test('$patch: replace on a map and on a list; $patch: delete on a map', async (t) => {
  const original = deploymentWith({ containers: containers(['a', 'b']), nodeSelector: { disk: 'hdd', zone: 'z1' } });
  const replacedMap = strategicMergePatch(original, { spec: { template: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } } } }, deploymentKind.schema);
  t.same(podSpecOf(replacedMap)['nodeSelector'], { disk: 'ssd' });
  const replacedList = strategicMergePatch(
    original,
    { spec: { template: { spec: { containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] } } } },
    deploymentKind.schema,
  );
  t.same(podSpecOf(replacedList)['containers'], containers(['z']));
  const deletedMap = strategicMergePatch(original, { spec: { template: { spec: { nodeSelector: { $patch: 'delete' } } } } }, deploymentKind.schema);
  t.same(podSpecOf(deletedMap)['nodeSelector'], {});
  t.same(strategicMergePatch(original, { $patch: 'replace', kind: 'X', metadata: {} }, deploymentKind.schema), { kind: 'X', metadata: {} });
});

t.test('lists without a patch strategy are replaced (tolerations, args)', async (t) => {
  const original = { metadata: { name: 'p' }, spec: { tolerations: [{ key: 'a', operator: 'Exists' }], containers: [{ name: 'c', image: 'i', args: ['x', 'y'] }] } };
  const patched = strategicMergePatch(original, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['z'] }] } }, podKind.schema);
  t.same(patched['spec'], { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', image: 'i', args: ['z'] }] });
});

t.test('service ports merge by port; node conditions merge by type (kubelet heartbeat)', async (t) => {
  const service = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
  const patchedService = strategicMergePatch(service, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, serviceKind.schema);
  t.same((patchedService['spec'] as Record<string, unknown>)['ports'], [{ port: 80, targetPort: 9090, protocol: 'TCP' }]);
  const node = {
    metadata: { name: 'n' },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: 't0' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: 't0' },
      ],
    },
  };
  const heartbeat = {
    status: { '$setElementOrder/conditions': [{ type: 'MemoryPressure' }, { type: 'Ready' }], conditions: [{ type: 'Ready', lastHeartbeatTime: 't1' }] },
  };
  const patchedNode = strategicMergePatch(node, heartbeat, nodeKind.schema);
  t.same((patchedNode['status'] as Record<string, unknown>)['conditions'], [
    { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: 't0' },
    { type: 'Ready', status: 'True', lastHeartbeatTime: 't1' },
  ]);
});

t.test('patch errors: missing merge key and unknown directive', async (t) => {
  const original = deploymentWith({ containers: containers(['a']) });
  try {
    strategicMergePatch(original, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, deploymentKind.schema);
    t.fail('should throw');
  } catch (error) {
    t.ok(isApiModelError(error, 'API_PATCH_INVALID'));
    t.equal((error as Error).message, 'map: map[image:x] does not contain declared merge key: name');
  }
  t.throws(() => strategicMergePatch(original, { metadata: { $patch: 'explode' } }, deploymentKind.schema), { message: /^unknown patch type: explode in map/ });
  t.throws(() => strategicMergePatch(original, [1], deploymentKind.schema), { message: /must be a JSON object/ });
});

t.test('JSON merge patch (RFC 7386): the RFC appendix examples', async (t) => {
  t.same(jsonMergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
  t.same(jsonMergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
  t.same(jsonMergePatch({ a: 'b' }, { a: null }), {});
  t.same(jsonMergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  t.same(jsonMergePatch({ e: null }, { a: 1 }), { e: null, a: 1 });
  t.same(jsonMergePatch({ a: 'foo' }, 'bar'), 'bar');
  t.same(jsonMergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
  t.same(jsonMergePatch({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 3 } }), { spec: { replicas: 3, paused: true } }, 'kubectl scale --type=merge');
});

t.test('normalizeElementOrder: without $setElementOrder a new element goes before server-only ones', async (t) => {
  const original = deploymentWith({ containers: containers(['a', 'b']) });
  const patched = strategicMergePatch(original, { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } }, deploymentKind.schema);
  t.same(podSpecOf(patched)['containers'], containers(['c', 'a', 'b']));
  const merged = strategicMergePatch(original, { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } }, deploymentKind.schema);
  t.same(podSpecOf(merged)['containers'], [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2' }], 'known elements keep their place');
});

t.test('a 20,000-element list merges in linear time (a 3 MiB patch cannot stall a peer)', async (t) => {
  const size = 20_000;
  const env = Array.from({ length: size }, (_, i) => ({ name: `E${i}`, value: 'x' }));
  const original = deploymentWith({ containers: [{ name: 'a', image: 'x', env }] });
  const patch = podSpec2({
    containers: [{ name: 'a', '$setElementOrder/env': env.map((e) => ({ name: e.name })).reverse(), env: env.slice(0, size / 2).map((e) => ({ name: e.name, value: 'y' })) }],
  });
  const startMs = Date.now();
  const [container] = podSpecOf(strategicMergePatch(original, patch, deploymentKind.schema))['containers'] as { env: { name: string; value: string }[] }[];
  const elapsedMs = Date.now() - startMs;
  t.equal(container?.env.length, size);
  t.same(container?.env[0], { name: `E${size - 1}`, value: 'x' }, 'ordered by $setElementOrder');
  t.same(container?.env[size - 1], { name: 'E0', value: 'y' });
  t.ok(elapsedMs < 3000, `took ${elapsedMs} ms`);
});

function podSpec2(spec: Record<string, unknown>): Record<string, unknown> {
  return { spec: { template: { spec: spec } } };
}
