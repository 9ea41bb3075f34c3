/** apps/v1 StatefulSet, with status and scale subresources. */
import { child, type FieldError, forbidden, notSupported, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import { deepCopy, jsonEqual, type KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { defaultPodTemplate } from './pod-spec/defaults.js';
import { ageColumn, column, nameColumn, templateColumns } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';
import { nonNegative, validateSelectedTemplate, validateWorkloadSelector, type WorkloadSpec } from './shared/workload.js';

export interface StatefulSetSpec extends WorkloadSpec {
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status?: { replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

/** Fields a StatefulSet update may change; anything else in spec is forbidden. */
const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const;

export const STATEFUL_SET_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateStatefulSetSpec(spec: StatefulSetSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  const errors = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateWorkloadSelector(spec, 'statefulset'),
    ...validateSelectedTemplate(spec, ['Always']),
  ];
  const policy = spec.podManagementPolicy;
  if (policy !== 'OrderedReady' && policy !== 'Parallel') errors.push(notSupported('spec.podManagementPolicy', policy ?? '', ['OrderedReady', 'Parallel']));
  const strategy = spec.updateStrategy?.type;
  if (strategy !== 'RollingUpdate' && strategy !== 'OnDelete') errors.push(notSupported(child('spec.updateStrategy', 'type'), strategy ?? '', ['OnDelete', 'RollingUpdate']));
  errors.push(...nonNegative(spec.updateStrategy?.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  return errors;
}

function validateStatefulSetUpdate(spec: StatefulSetSpec | undefined, old: StatefulSetSpec | undefined): FieldError[] {
  if (spec === undefined || old === undefined) return [];
  const munged: Record<string, unknown> = deepCopy(spec);
  for (const field of MUTABLE_FIELDS) {
    if (old[field] === undefined) delete munged[field];
    else munged[field] = old[field];
  }
  return jsonEqual(munged, old) ? [] : [forbidden('spec', STATEFUL_SET_UPDATE_FORBIDDEN)];
}

const statusRules = statusPrepareRules<StatefulSet>({ generation: true });

export const statefulSetKind = defineKind<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', group: 'apps', version: 'v1', kind: 'StatefulSet', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  ],
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  defaults(sts) {
    const spec = sts.spec;
    if (spec === undefined) return;
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') (strategy.rollingUpdate ??= {}).partition ??= 0;
    spec.revisionHistoryLimit ??= 10;
    const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
    retention.whenDeleted ??= 'Retain';
    retention.whenScaled ??= 'Retain';
    defaultPodTemplate(spec.template);
  },
  validate(sts, old) {
    const errors = [...metaErrors(sts, old, true, nameIsDnsSubdomain), ...validateStatefulSetSpec(sts.spec)];
    if (old !== undefined) errors.push(...validateStatefulSetUpdate(sts.spec, old.spec));
    return errors;
  },
  ...statusRules,
  validateStatus: statusValidator<StatefulSet>(['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration']),
  printerColumns: [
    nameColumn(),
    column({ name: 'Ready', description: 'Number of the pod with ready state', cell: (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}` }),
    ageColumn(),
    ...templateColumns<StatefulSet>(false),
  ],
  selectableFields: metadataFields<StatefulSet>(),
  schema: definition('io.k8s.api.apps.v1.StatefulSet'),
  definitionName: 'io.k8s.api.apps.v1.StatefulSet',
});
