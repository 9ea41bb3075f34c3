/** apps/v1 ReplicaSet, with status and scale subresources. */
import { type FieldError, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { defaultPodTemplate } from './pod-spec/defaults.js';
import { ageColumn, column, nameColumn, templateColumns } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { nonNegative, validateSelectedTemplate, validateWorkloadSelector, workloadValidator, type WorkloadSpec } from './shared/workload.js';

export interface ReplicaSet extends KubeObject {
  spec: WorkloadSpec;
  status?: { replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

function validateReplicaSetSpec(spec: WorkloadSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateWorkloadSelector(spec, 'deployment'),
    ...validateSelectedTemplate(spec, ['Always']),
  ];
}

const statusRules = statusPrepareRules<ReplicaSet>({ generation: true });

export const replicaSetKind = defineKind<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', group: 'apps', version: 'v1', kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  ],
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  defaults(rs) {
    if (rs.spec === undefined) return;
    rs.spec.replicas ??= 1;
    defaultPodTemplate(rs.spec.template);
  },
  validate: workloadValidator<ReplicaSet>(validateReplicaSetSpec),
  ...statusRules,
  validateStatus: statusValidator<ReplicaSet>(['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']),
  printerColumns: [
    nameColumn(),
    column({ name: 'Desired', type: 'integer', description: 'Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller', cell: (rs) => rs.spec?.replicas ?? 0 }),
    column({ name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset', cell: (rs) => rs.status?.replicas ?? 0 }),
    column({ name: 'Ready', type: 'integer', description: 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.', cell: (rs) => rs.status?.readyReplicas ?? 0 }),
    ageColumn(),
    ...templateColumns<ReplicaSet>(true),
  ],
  selectableFields: { ...metadataFields<ReplicaSet>(), 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) },
  schema: definition('io.k8s.api.apps.v1.ReplicaSet'),
  definitionName: 'io.k8s.api.apps.v1.ReplicaSet',
});
