import t from 'tap';
import { bindPod, validateBinding } from '../../src/api/bodies/binding.js';
import { validateEviction } from '../../src/api/bodies/eviction.js';
import { applyScale, toScale, validateScale } from '../../src/api/bodies/scale.js';
import { isApiModelError } from '../../src/api/errors.js';
import { fieldErrorString } from '../../src/api/field-errors.js';
import { deploymentKind } from '../../src/api/kinds/deployment.js';
import { podKind } from '../../src/api/kinds/pod.js';
import type { Pod } from '../../src/api/kinds/pod-spec/types.js';
import { admit, deployment, pod } from './fixtures/objects.js';

t.test('pods/binding: sets nodeName and PodScheduled, refuses a bound pod', async (t) => {
  const unbound = admit(podKind, pod('web')) as Pod;
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } };
  t.same(validateBinding(binding), []);
  const bound = bindPod(unbound, binding, '2026-01-10T12:00:00Z');
  t.equal(bound.spec.nodeName, 'node-1');
  t.same(bound.status?.conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-10T12:00:00Z' }]);
  t.equal(unbound.spec.nodeName, undefined, 'the stored pod is not modified');
  try {
    bindPod(bound, binding, '2026-01-10T12:00:01Z');
    t.fail('should throw');
  } catch (error) {
    t.ok(isApiModelError(error, 'API_BINDING_CONFLICT'));
    t.equal((error as Error).message, 'pod default/web is already assigned to node "node-1"');
  }
  t.same(validateBinding({ metadata: {}, target: { kind: 'Pod' } }).map(fieldErrorString), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
});

t.test('scale subresource: Scale view with the selector string; replicas written back', async (t) => {
  const created = admit(deploymentKind, deployment('web'));
  created.metadata.resourceVersion = '12';
  (created as { status?: unknown }).status = { replicas: 1 };
  const scale = toScale(deploymentKind, created);
  t.same(scale, {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '12', creationTimestamp: created.metadata.creationTimestamp },
    spec: { replicas: 1 },
    status: { replicas: 1, selector: 'app=web' },
  });
  t.same(validateScale({ ...scale, spec: { replicas: -2 } }).map(fieldErrorString), ['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
  const scaled = applyScale(deploymentKind, created, { ...scale, spec: { replicas: 5 } });
  t.equal((scaled['spec'] as { replicas: number }).replicas, 5);
  t.equal((created['spec'] as { replicas: number }).replicas, 1);
});

t.test('pods/eviction: the body must name the pod of the URL', async (t) => {
  t.same(validateEviction({ metadata: { name: 'web' } }, 'web'), { errors: [] });
  t.same(validateEviction({ metadata: { name: 'other' } }, 'web').badRequest, 'name in URL does not match name in Eviction object');
});
