import t from 'tap';
import { fieldErrorString, invalidMessage, toStatusCauses } from '../../src/api/field-errors.js';
import { qualifiedKindOf } from '../../src/api/kind.js';
import { podKind } from '../../src/api/kinds/pod.js';
import type { Pod } from '../../src/api/kinds/pod-spec/types.js';
import { admit, ago, narrowRow, pod, row } from './fixtures/objects.js';

const errorsOf = (obj: unknown, old?: unknown): string[] =>
  podKind.validate(obj as Pod, old as Pod | undefined).map(fieldErrorString);

t.test('SetDefaults_PodSpec and SetDefaults_Container: what kubectl apply diffs against', async (t) => {
  const created = admit(podKind, pod('web', { spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] } })) as Pod;
  t.match(created.spec, {
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    securityContext: {},
    enableServiceLinks: true,
    serviceAccountName: 'default',
    serviceAccount: 'default',
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
  });
  t.same(created.spec.containers[0], {
    name: 'app',
    image: 'nginx',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'Always',
    resources: {},
  });
  t.same(created.spec.tolerations?.map((x) => x.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  t.same(created.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

t.test('imagePullPolicy: Always for :latest or no tag, IfNotPresent for a tag or digest', async (t) => {
  const policy = (image: string): unknown => (admit(podKind, pod('p', { spec: { containers: [{ name: 'c', image }] } })) as Pod).spec.containers[0]?.imagePullPolicy;
  t.equal(policy('nginx'), 'Always');
  t.equal(policy('nginx:latest'), 'Always');
  t.equal(policy('nginx:1.27'), 'IfNotPresent');
  t.equal(policy('registry:5000/nginx'), 'Always');
  t.equal(policy('nginx@sha256:abc'), 'IfNotPresent');
});

t.test('QoS class: limits copied to requests make a pod Guaranteed', async (t) => {
  const created = admit(
    podKind,
    pod('q', { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } }),
  ) as Pod;
  t.same(created.spec.containers[0]?.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  t.equal(created.status?.qosClass, 'Guaranteed');
});

t.test('ValidatePod: a container without image, as kubectl reports it', async (t) => {
  const bad = admit(podKind, pod('web', { spec: { containers: [{ name: 'app' }] } }));
  const errors = podKind.validate(bad);
  t.same(errors.map(fieldErrorString), ['spec.containers[0].image: Required value']);
  t.same(toStatusCauses(errors), [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
  t.equal(invalidMessage(qualifiedKindOf(podKind), 'web', errors), 'Pod "web" is invalid: spec.containers[0].image: Required value');
});

t.test('ValidatePod: names, duplicates, ports and policies', async (t) => {
  const bad = admit(
    podKind,
    pod('Web', {
      spec: {
        restartPolicy: 'Sometimes',
        containers: [
          { name: 'app', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP' }] },
          { name: 'app', image: 'y', volumeMounts: [{ name: 'data', mountPath: '/d' }] },
        ],
      },
    }),
  );
  t.same(errorsOf(bad), [
    "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[1].name: Duplicate value: "app"',
    'spec.containers[1].volumeMounts[0].name: Not found: "data"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  t.same(errorsOf(admit(podKind, pod('x', { spec: { containers: [] } }))), ['spec.containers: Required value']);
});

t.test('ValidateObjectMeta: generateName, namespace and labels', async (t) => {
  const noName = admit(podKind, { metadata: { namespace: 'default', labels: { 'bad key': 'v' } }, spec: { containers: [{ name: 'a', image: 'b' }] } });
  const errors = errorsOf(noName);
  t.equal(errors[0], 'metadata.name: Required value: name or generateName is required');
  t.match(errors[1], /^metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/);
  const noNamespace = admit(podKind, { metadata: { name: 'a' }, spec: { containers: [{ name: 'a', image: 'b' }] } });
  t.same(errorsOf(noNamespace), ['metadata.namespace: Required value']);
});

t.test('ValidatePodUpdate: images may change, other spec fields may not', async (t) => {
  const old = admit(podKind, pod('web'));
  old.metadata.resourceVersion = '5';
  const newImage = structuredClone(old);
  (newImage as Pod).spec.containers[0]!.image = 'nginx:1.28';
  t.same(errorsOf(newImage, old), []);
  const newPolicy = structuredClone(old);
  (newPolicy as Pod).spec.restartPolicy = 'Never';
  const [error] = errorsOf(newPolicy, old);
  t.match(
    error,
    /^spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
  );
  const renamed = structuredClone(old);
  renamed.metadata.name = 'other';
  t.same(errorsOf(renamed, old)[0], 'metadata.name: Invalid value: "other": field is immutable');
  const noVersion = structuredClone(old);
  delete noVersion.metadata.resourceVersion;
  t.same(errorsOf(noVersion, old), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
});

t.test('pod status subresource: spec kept from the stored pod', async (t) => {
  const old = admit(podKind, pod('web')) as Pod;
  const update = structuredClone(old);
  update.spec.containers[0]!.image = 'evil';
  update.status = { phase: 'Running' };
  podKind.prepareForStatusUpdate(update, old);
  t.equal(update.spec.containers[0]?.image, 'nginx:1.27');
  t.same(update.status, { phase: 'Running' });
  const main = structuredClone(old);
  main.status = { phase: 'Failed' };
  podKind.prepareForUpdate(main, old);
  t.same(main.status, old.status, 'status is ignored on the main resource');
});

function runningPod(extra: Partial<Pod['status']> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  const created = admit(podKind, pod('web')) as Pod;
  Object.assign(created.metadata, meta);
  created.spec.nodeName = 'node-1';
  created.status = {
    phase: 'Running',
    podIPs: [{ ip: '10.0.0.7' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(50) } } }],
    ...extra,
  };
  return created;
}

t.test('printPod: NAME READY STATUS RESTARTS AGE, then IP NODE NOMINATED NODE READINESS GATES', async (t) => {
  t.same(podKind.printerColumns.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  t.same(podKind.printerColumns.map((c) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  t.same(row(podKind, runningPod()), ['web', '1/1', 'Running', '0', '60s', '10.0.0.7', 'node-1', '<none>', '<none>']);
  const fresh = admit(podKind, pod('new'));
  t.same(narrowRow(podKind, fresh), ['new', '0/1', 'Pending', '0', '60s']);
});

t.test('printPod STATUS: ContainerCreating, CrashLoopBackOff with restarts, Completed, Error, Terminating', async (t) => {
  const creating = runningPod({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
  t.same(narrowRow(podKind, creating).slice(1, 4), ['0/1', 'ContainerCreating', '0']);
  const crashing = runningPod({
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(125) } } },
    ],
  });
  t.same(narrowRow(podKind, crashing).slice(1, 4), ['0/1', 'CrashLoopBackOff', '4 (2m5s ago)']);
  const done = runningPod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  t.equal(narrowRow(podKind, done)[2], 'Completed');
  t.same(podKind.rowConditions?.(done), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  const failed = runningPod({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] });
  t.equal(narrowRow(podKind, failed)[2], 'ExitCode:137');
  t.equal(narrowRow(podKind, runningPod({}, { deletionTimestamp: ago(1) }))[2], 'Terminating');
});

t.test('printPod STATUS: init containers show Init:N/M and Init:<reason>', async (t) => {
  const base = runningPod({ phase: 'Pending', containerStatuses: [] });
  base.spec.initContainers = [
    { name: 'i1', image: 'x' },
    { name: 'i2', image: 'x' },
  ];
  base.status!.initContainerStatuses = [
    { name: 'i1', ready: true, restartCount: 0, state: { terminated: { exitCode: 0 } } },
    { name: 'i2', ready: false, restartCount: 0, state: { running: {} } },
  ];
  t.equal(narrowRow(podKind, base)[2], 'Init:1/2');
  base.status!.initContainerStatuses[1]!.state = { waiting: { reason: 'ImagePullBackOff' } };
  t.equal(narrowRow(podKind, base)[2], 'Init:ImagePullBackOff');
});

t.test('ValidateResourceRequirements: a request above its limit', async (t) => {
  const bad = admit(podKind, pod('r', { spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] } }));
  t.same(errorsOf(bad), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
  const fine = admit(podKind, pod('r', { spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '0.1' } } }] } }));
  t.same(errorsOf(fine), []);
});

t.test('ValidatePodStatusUpdate: metadata rules and pod IPs', async (t) => {
  const old = admit(podKind, pod('web')) as Pod;
  old.metadata.resourceVersion = '3';
  const update = structuredClone(old);
  update.status = { phase: 'Running', podIPs: [{ ip: '10.0.0.9' }] };
  podKind.prepareForStatusUpdate(update, old);
  t.same(podKind.validateStatus?.(update, old), []);
  update.status = { podIPs: [{ ip: '10.0.0.999' }] };
  update.metadata.uid = 'other';
  t.same(podKind.validateStatus?.(update, old).map(fieldErrorString), [
    'metadata.uid: Invalid value: "other": field is immutable',
    'status.podIPs[0].ip: Invalid value: "10.0.0.999": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});
