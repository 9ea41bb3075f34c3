import t from 'tap';
import { apiVersionOf, listKindOf, qualifiedKindOf, qualifiedResourceOf } from '../../src/api/kind.js';
import { defaultKindRegistry, KIND_DECLARATIONS } from '../../src/api/kinds/index.js';
import { KindRegistry } from '../../src/api/registry.js';
import { SCHEMA_DEFINITIONS } from '../../src/api/schema/definitions.js';

const registry = defaultKindRegistry();

t.test('lookup by group/version/resource, by kind, by apiVersion + kind', async (t) => {
  t.equal(registry.byResource('', 'v1', 'pods')?.kind, 'Pod');
  t.equal(registry.byResource('apps', 'v1', 'deployments')?.kind, 'Deployment');
  t.equal(registry.byResource('apps', 'v1', 'pods'), undefined);
  t.equal(registry.byKind('coordination.k8s.io', 'v1', 'Lease')?.resource, 'leases');
  t.equal(registry.byApiVersionKind('batch/v1', 'Job')?.resource, 'jobs');
  t.equal(registry.byApiVersionKind('v1', 'Service')?.resource, 'services');
});

t.test('lookup by the names kubectl accepts: short names, singular, kind, resource.group', async (t) => {
  const kinds = (name: string): string[] => registry.byName(name).map((d) => d.kind);
  t.same(kinds('po'), ['Pod']);
  t.same(kinds('deploy'), ['Deployment']);
  t.same(kinds('svc'), ['Service']);
  t.same(kinds('ns'), ['Namespace']);
  t.same(kinds('no'), ['Node']);
  t.same(kinds('sts'), ['StatefulSet']);
  t.same(kinds('Deployment'), ['Deployment']);
  t.same(kinds('deployments.apps'), ['Deployment']);
  t.same(kinds('deployments.batch'), []);
  t.same(kinds('endpoints'), ['Endpoints']);
});

t.test('served group-versions, core first', async (t) => {
  t.same(registry.groupVersions().map((g) => g.groupVersion), ['v1', 'apps/v1', 'batch/v1', 'coordination.k8s.io/v1']);
  t.same(registry.resourcesOf('apps', 'v1').map((d) => d.resource), ['deployments', 'replicasets', 'daemonsets', 'statefulsets']);
});

t.test('naming helpers match apimachinery', async (t) => {
  const deployment = registry.byResource('apps', 'v1', 'deployments')!;
  const pod = registry.byResource('', 'v1', 'pods')!;
  t.equal(apiVersionOf(pod), 'v1');
  t.equal(apiVersionOf(deployment), 'apps/v1');
  t.equal(qualifiedKindOf(deployment), 'Deployment.apps');
  t.equal(qualifiedResourceOf(pod), 'pods');
  t.equal(qualifiedResourceOf(deployment), 'deployments.apps');
  t.equal(listKindOf(pod), 'PodList');
});

t.test('every declaration is complete and consistent', async (t) => {
  for (const d of KIND_DECLARATIONS) {
    t.ok(SCHEMA_DEFINITIONS[d.definitionName], `${d.kind} schema`);
    t.same(d.schema['x-kubernetes-group-version-kind'], [{ group: d.group, version: d.version, kind: d.kind }], `${d.kind} gvk`);
    t.equal(d.printerColumns[0]?.format === 'name' || d.kind === 'Event', true, `${d.kind} NAME column`);
    t.ok(d.selectableFields['metadata.name'] && d.selectableFields['metadata.namespace'], `${d.kind} metadata fields`);
    t.equal(d.scale !== undefined, d.subresources.some((s) => s.name === 'scale'), `${d.kind} scale`);
  }
  t.same(
    registry.byResource('', 'v1', 'pods')!.subresources.map((s) => `${s.name}:${s.group}/${s.version}/${s.kind}`),
    ['status:/v1/Pod', 'binding:/v1/Binding', 'eviction:policy/v1/Eviction', 'log:/v1/Pod'],
  );
});

t.test('a resource declared twice is a programmer error', async (t) => {
  const pod = registry.byResource('', 'v1', 'pods')!;
  t.throws(() => new KindRegistry([pod, pod]), { name: 'AssertionError' });
});
