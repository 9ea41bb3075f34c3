import t from 'tap';
import { fieldErrorString, invalidMessage } from '../../src/api/field-errors.js';
import { qualifiedKindOf } from '../../src/api/kind.js';
import { daemonSetKind } from '../../src/api/kinds/daemon-set.js';
import { type Deployment, deploymentKind } from '../../src/api/kinds/deployment.js';
import { type Job, jobKind } from '../../src/api/kinds/job.js';
import { replicaSetKind } from '../../src/api/kinds/replica-set.js';
import { type StatefulSet, statefulSetKind } from '../../src/api/kinds/stateful-set.js';
import type { KubeObject } from '../../src/api/object.js';
import { admit, ago, deployment, row } from './fixtures/objects.js';

const messages = (declaration: { validate(o: KubeObject, old?: KubeObject): { field: string }[] }, obj: KubeObject, old?: KubeObject): string[] =>
  declaration.validate(obj, old).map((e) => fieldErrorString(e as Parameters<typeof fieldErrorString>[0]));

t.test('Deployment defaults (apps/v1): replicas 1, RollingUpdate 25%/25%, history 10, deadline 600', async (t) => {
  const created = admit(deploymentKind, deployment('web')) as Deployment;
  t.match(created.spec, {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  });
  t.equal(created.spec.template?.metadata?.creationTimestamp, null, 'templates serialize creationTimestamp: null');
  t.equal(created.spec.template?.spec.restartPolicy, 'Always');
  t.equal(created.metadata.generation, 1);
  t.equal(created.status, undefined, 'a client cannot set status on create');
  t.same(messages(deploymentKind, created), []);
});

t.test('ValidateDeployment: selector must match template labels', async (t) => {
  const bad = admit(deploymentKind, deployment('web'));
  (bad as Deployment).spec.template!.metadata!.labels = { app: 'other' };
  const errors = deploymentKind.validate(bad);
  t.same(errors.map(fieldErrorString), ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']);
  t.match(invalidMessage(qualifiedKindOf(deploymentKind), 'web', errors), /^Deployment\.apps "web" is invalid: spec\.template\.metadata\.labels/);
});

t.test('ValidateDeployment: replicas, strategy and deadline rules', async (t) => {
  const bad = admit(deploymentKind, deployment('web')) as Deployment;
  bad.spec.replicas = -1;
  bad.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } };
  bad.spec.minReadySeconds = 700;
  t.same(messages(deploymentKind, bad), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
  const recreate = admit(deploymentKind, deployment('web')) as Deployment;
  recreate.spec.strategy = { type: 'Recreate', rollingUpdate: {} };
  t.same(messages(deploymentKind, recreate), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  const percent = admit(deploymentKind, deployment('web')) as Deployment;
  percent.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%', maxSurge: 'lots' } };
  t.match(messages(deploymentKind, percent), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    /^spec\.strategy\.rollingUpdate\.maxSurge: Invalid value: "lots": a valid percent string must be a numeric string followed by an ending '%'/,
  ]);
  const noSelector = admit(deploymentKind, deployment('web')) as Deployment;
  delete noSelector.spec.selector;
  t.same(messages(deploymentKind, noSelector), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
  const never = admit(deploymentKind, deployment('web')) as Deployment;
  never.spec.template!.spec.restartPolicy = 'Never';
  t.same(messages(deploymentKind, never), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

t.test('Deployment update: selector immutable in apps/v1; generation bumps on spec change only', async (t) => {
  const old = admit(deploymentKind, deployment('web')) as Deployment;
  old.metadata.resourceVersion = '7';
  old.status = { replicas: 1 };
  const scaled = structuredClone(old);
  scaled.spec.replicas = 3;
  scaled.status = { replicas: 99 };
  deploymentKind.prepareForUpdate(scaled, old);
  t.equal(scaled.metadata.generation, 2);
  t.same(scaled.status, { replicas: 1 });
  const labelled = structuredClone(old);
  labelled.metadata.labels = { x: 'y' };
  deploymentKind.prepareForUpdate(labelled, old);
  t.equal(labelled.metadata.generation, 1, 'a label change is not a new generation');
  const annotated = structuredClone(old);
  annotated.metadata.annotations = { note: 'n' };
  deploymentKind.prepareForUpdate(annotated, old);
  t.equal(annotated.metadata.generation, 2, 'annotations are copied to ReplicaSets, so they count');
  const reselected = structuredClone(old);
  reselected.spec.selector = { matchLabels: { app: 'web', v: '2' } };
  reselected.spec.template!.metadata!.labels = { app: 'web', v: '2' };
  t.same(messages(deploymentKind, reselected, old), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable']);
});

t.test('printDeployment: NAME READY UP-TO-DATE AVAILABLE AGE (+CONTAINERS IMAGES SELECTOR)', async (t) => {
  const created = admit(deploymentKind, deployment('web')) as Deployment;
  created.spec.replicas = 3;
  created.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  t.same(deploymentKind.printerColumns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  t.same(row(deploymentKind, created), ['web', '2/3', 3, 2, '60s', 'app', 'nginx', 'app=web']);
});

t.test('ReplicaSet, DaemonSet, StatefulSet: defaults and rows', async (t) => {
  const rs = admit(replicaSetKind, { ...deployment('web-5d8f'), kind: 'ReplicaSet' });
  t.equal((rs['spec'] as { replicas: number }).replicas, 1);
  (rs as KubeObject & { status: unknown }).status = { replicas: 1, readyReplicas: 1 };
  t.same(row(replicaSetKind, rs), ['web-5d8f', 1, 1, 1, '60s', 'app', 'nginx', 'app=web-5d8f']);
  t.same(messages(replicaSetKind, rs), []);

  const ds = admit(daemonSetKind, { ...deployment('agent'), kind: 'DaemonSet' });
  t.same((ds['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  t.same(row(daemonSetKind, ds), ['agent', 0, 0, 0, 0, 0, '<none>', '60s', 'app', 'nginx', 'app=agent']);
  t.same(messages(daemonSetKind, ds), []);

  const sts = admit(statefulSetKind, { ...deployment('db'), kind: 'StatefulSet' }) as StatefulSet;
  t.match(sts.spec, {
    replicas: 1,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  });
  t.same(row(statefulSetKind, sts), ['db', '0/1', '60s', 'app', 'nginx']);
  sts.metadata.resourceVersion = '3';
  const changed = structuredClone(sts);
  changed.spec.serviceName = 'other';
  t.same(messages(statefulSetKind, changed, sts), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const scaled = structuredClone(sts);
  scaled.spec.replicas = 5;
  t.same(messages(statefulSetKind, scaled, sts), []);
});

function job(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } }, ...spec },
  };
}

t.test('Job defaults and the generated selector on the controller uid', async (t) => {
  const created = admit(jobKind, job('pi'), 'job-uid') as Job;
  t.match(created.spec, { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
  t.same(created.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } });
  t.same(created.spec.template?.metadata?.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': 'job-uid',
    'batch.kubernetes.io/controller-uid': 'job-uid',
  });
  t.same(messages(jobKind, created), []);
  const queue = admit(jobKind, job('q', { parallelism: 3 })) as Job;
  t.equal(queue.spec.completions, undefined, 'parallelism alone leaves completions unset');
});

t.test('ValidateJob: restart policy Always is refused; template immutable', async (t) => {
  const always = admit(jobKind, job('bad'));
  delete ((always['spec'] as Job['spec']).template!.spec as { restartPolicy?: string }).restartPolicy;
  jobKind.defaults(always);
  t.same(messages(jobKind, always), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  const old = admit(jobKind, job('pi')) as Job;
  old.metadata.resourceVersion = '2';
  const changed = structuredClone(old);
  changed.spec.template!.spec.containers[0]!.image = 'perl:2';
  t.match(messages(jobKind, changed, old), [/^spec\.template: Invalid value: .*: field is immutable$/]);
});

t.test('printJob: STATUS, COMPLETIONS and DURATION', async (t) => {
  const running = admit(jobKind, job('pi')) as Job;
  running.status = { startTime: ago(30), active: 1 };
  t.same(row(jobKind, running).slice(0, 5), ['pi', 'Running', '0/1', '30s', '60s']);
  const complete = structuredClone(running);
  complete.status = { startTime: ago(300), completionTime: ago(100), succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
  t.same(row(jobKind, complete).slice(0, 5), ['pi', 'Complete', '1/1', '3m20s', '60s']);
  const parallel = admit(jobKind, job('q', { parallelism: 3 })) as Job;
  t.equal(row(jobKind, parallel)[2], '0/1 of 3');
});

t.test('Deployment status update: counters must not be negative', async (t) => {
  const old = admit(deploymentKind, deployment('web')) as Deployment;
  old.metadata.resourceVersion = '2';
  const update = structuredClone(old);
  update.status = { replicas: -1, readyReplicas: 1 };
  deploymentKind.prepareForStatusUpdate(update, old);
  t.same(deploymentKind.validateStatus?.(update, old).map(fieldErrorString), ['status.replicas: Invalid value: -1: must be greater than or equal to 0']);
});
