/**
 * Field numbers of the Kubernetes protobuf messages (k8s.io/api generated.proto) that
 * kubectl's generator commands send (`kubectl create namespace|configmap|secret|
 * serviceaccount|deployment|job|service`). Only what those commands fill in and the fields
 * next to it; a field not listed here is refused with a clear error, never dropped.
 */

export type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'quantity' | 'intOrString';

export interface FieldSchema {
  readonly name: string;
  readonly type: Scalar | MessageSchema | 'ignore';
  readonly repeated?: true;
  /** map<string, type>: a repeated entry message {1: key, 2: value}. */
  readonly map?: true;
  /** A Go pointer: present even when zero (replicas: 0 differs from unset). */
  readonly pointer?: true;
}

export interface MessageSchema {
  readonly name: string;
  readonly fields: Readonly<Record<number, FieldSchema>>;
}

const message = (name: string, fields: Record<number, FieldSchema>): MessageSchema => ({ name, fields });
const s = (name: string): FieldSchema => ({ name, type: 'string' });
const i = (name: string, pointer = false): FieldSchema => (pointer ? { name, type: 'int', pointer } : { name, type: 'int' });
const b = (name: string, pointer = false): FieldSchema => (pointer ? { name, type: 'bool', pointer } : { name, type: 'bool' });
const strings = (name: string): FieldSchema => ({ name, type: 'string', repeated: true });
const stringMap = (name: string): FieldSchema => ({ name, type: 'string', map: true });
const ignored = (name: string): FieldSchema => ({ name, type: 'ignore' });

const ownerReference = message('OwnerReference', { 1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: b('controller', true), 7: b('blockOwnerDeletion', true) });

export const OBJECT_META = message('ObjectMeta', {
  1: s('name'), 2: s('generateName'), 3: s('namespace'), 4: s('selfLink'), 5: s('uid'), 6: s('resourceVersion'),
  7: i('generation'), 8: { name: 'creationTimestamp', type: 'time' }, 9: { name: 'deletionTimestamp', type: 'time' },
  10: i('deletionGracePeriodSeconds', true), 11: stringMap('labels'), 12: stringMap('annotations'),
  13: { name: 'ownerReferences', type: ownerReference, repeated: true }, 14: strings('finalizers'),
  // managedFields are the server's to keep; kubectl sends none on create.
  17: ignored('managedFields'),
});

const labelSelector = message('LabelSelector', {
  1: stringMap('matchLabels'),
  2: { name: 'matchExpressions', type: message('LabelSelectorRequirement', { 1: s('key'), 2: s('operator'), 3: strings('values') }), repeated: true },
});

const containerPort = message('ContainerPort', { 1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP') });
const envVar = message('EnvVar', { 1: s('name'), 2: s('value') });
const resources = message('ResourceRequirements', { 1: { name: 'limits', type: 'quantity', map: true }, 2: { name: 'requests', type: 'quantity', map: true } });

const container = message('Container', {
  1: s('name'), 2: s('image'), 3: strings('command'), 4: strings('args'), 5: s('workingDir'),
  6: { name: 'ports', type: containerPort, repeated: true }, 7: { name: 'env', type: envVar, repeated: true },
  8: { name: 'resources', type: resources }, 13: s('terminationMessagePath'), 14: s('imagePullPolicy'),
  16: b('stdin'), 17: b('stdinOnce'), 18: b('tty'), 20: s('terminationMessagePolicy'),
});

const podSpec = message('PodSpec', {
  2: { name: 'containers', type: container, repeated: true }, 3: s('restartPolicy'), 4: i('terminationGracePeriodSeconds', true),
  5: i('activeDeadlineSeconds', true), 6: s('dnsPolicy'), 7: stringMap('nodeSelector'), 8: s('serviceAccountName'),
  9: s('serviceAccount'), 10: s('nodeName'), 11: b('hostNetwork'), 12: b('hostPID'), 13: b('hostIPC'), 16: s('hostname'),
  17: s('subdomain'), 19: s('schedulerName'), 20: { name: 'initContainers', type: container, repeated: true }, 24: s('priorityClassName'),
});

const podTemplateSpec = message('PodTemplateSpec', { 1: { name: 'metadata', type: OBJECT_META }, 2: { name: 'spec', type: podSpec } });

const deploymentSpec = message('DeploymentSpec', {
  1: i('replicas', true), 2: { name: 'selector', type: labelSelector }, 3: { name: 'template', type: podTemplateSpec },
  4: { name: 'strategy', type: message('DeploymentStrategy', { 1: s('type') }) }, 5: i('minReadySeconds'),
  6: i('revisionHistoryLimit', true), 7: b('paused'), 9: i('progressDeadlineSeconds', true),
});

const jobSpec = message('JobSpec', {
  1: i('parallelism', true), 2: i('completions', true), 3: i('activeDeadlineSeconds', true), 4: { name: 'selector', type: labelSelector },
  5: b('manualSelector', true), 6: { name: 'template', type: podTemplateSpec }, 7: i('backoffLimit', true),
  8: i('ttlSecondsAfterFinished', true), 9: { name: 'completionMode', type: 'string', pointer: true }, 10: b('suspend', true),
});

const servicePort = message('ServicePort', { 1: s('name'), 2: s('protocol'), 3: i('port'), 4: { name: 'targetPort', type: 'intOrString' }, 5: i('nodePort'), 6: { name: 'appProtocol', type: 'string', pointer: true } });

const serviceSpec = message('ServiceSpec', {
  1: { name: 'ports', type: servicePort, repeated: true }, 2: stringMap('selector'), 3: s('clusterIP'), 4: s('type'),
  5: strings('externalIPs'), 7: s('sessionAffinity'), 8: s('loadBalancerIP'), 9: strings('loadBalancerSourceRanges'),
  10: s('externalName'), 11: s('externalTrafficPolicy'), 12: i('healthCheckNodePort'), 13: b('publishNotReadyAddresses'),
  18: strings('clusterIPs'), 19: strings('ipFamilies'),
});

/** A top-level kind: metadata is field 1; status (the server's) is ignored on write. */
function kind(name: string, fields: Record<number, FieldSchema>, statusField?: number): MessageSchema {
  return message(name, { 1: { name: 'metadata', type: OBJECT_META }, ...fields, ...(statusField === undefined ? {} : { [statusField]: ignored('status') }) });
}

/** By "apiVersion/Kind" as in the runtime.Unknown envelope's TypeMeta. */
export const PROTOBUF_KINDS: ReadonlyMap<string, MessageSchema> = new Map([
  ['v1/Namespace', kind('Namespace', { 2: { name: 'spec', type: message('NamespaceSpec', { 1: strings('finalizers') }) } }, 3)],
  ['v1/ConfigMap', kind('ConfigMap', { 2: stringMap('data'), 3: { name: 'binaryData', type: 'bytes', map: true }, 4: b('immutable', true) })],
  ['v1/Secret', kind('Secret', { 2: { name: 'data', type: 'bytes', map: true }, 3: s('type'), 4: stringMap('stringData'), 5: b('immutable', true) })],
  ['v1/ServiceAccount', kind('ServiceAccount', {
    2: { name: 'secrets', type: message('ObjectReference', { 1: s('kind'), 2: s('namespace'), 3: s('name'), 4: s('uid'), 5: s('apiVersion') }), repeated: true },
    3: { name: 'imagePullSecrets', type: message('LocalObjectReference', { 1: s('name') }), repeated: true },
    4: b('automountServiceAccountToken', true),
  })],
  ['v1/Service', kind('Service', { 2: { name: 'spec', type: serviceSpec } }, 3)],
  ['apps/v1/Deployment', kind('Deployment', { 2: { name: 'spec', type: deploymentSpec } }, 3)],
  ['batch/v1/Job', kind('Job', { 2: { name: 'spec', type: jobSpec } }, 3)],
]);
