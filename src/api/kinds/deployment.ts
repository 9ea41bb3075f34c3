/** apps/v1 Deployment, with status and scale subresources. */
import { child, type FieldError, forbidden, invalid, notSupported, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import { jsonEqual, type KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { defaultPodTemplate } from './pod-spec/defaults.js';
import { ageColumn, column, nameColumn, templateColumns } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import {
  nonNegative,
  validateRollingUpdate,
  validateSelectedTemplate,
  validateWorkloadSelector,
  workloadValidator,
  type WorkloadSpec,
} from './shared/workload.js';

export interface RollingUpdate {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
}

export interface DeploymentSpec extends WorkloadSpec {
  strategy?: { type?: string; rollingUpdate?: RollingUpdate };
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string }[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

function validateStrategy(spec: DeploymentSpec): FieldError[] {
  const strategy = spec.strategy ?? {};
  const path = 'spec.strategy';
  if (strategy.type === 'Recreate') {
    return strategy.rollingUpdate !== undefined ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (strategy.type !== 'RollingUpdate') return [notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  const rolling = strategy.rollingUpdate;
  if (rolling === undefined) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
  return validateRollingUpdate(rolling, child(path, 'rollingUpdate'), false);
}

function validateDeploymentSpec(spec: DeploymentSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  const errors = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateWorkloadSelector(spec, 'deployment'),
    ...validateSelectedTemplate(spec, ['Always']),
    ...validateStrategy(spec),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
  const deadline = spec.progressDeadlineSeconds;
  if (deadline !== undefined) {
    errors.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (spec.minReadySeconds ?? 0)) errors.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errors;
}

const statusRules = statusPrepareRules<Deployment>({ generation: true });

export const deploymentKind = defineKind<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', group: 'apps', version: 'v1', kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  ],
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  defaults(deployment) {
    const spec = deployment.spec;
    if (spec === undefined) return;
    spec.replicas ??= 1;
    const strategy = (spec.strategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling = (strategy.rollingUpdate ??= {});
      rolling.maxUnavailable ??= '25%';
      rolling.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(spec.template);
  },
  // apps/v1 made the selector immutable (extensions/v1beta1 allowed changing it).
  validate: workloadValidator<Deployment>(validateDeploymentSpec),
  prepareForCreate: statusRules.prepareForCreate,
  prepareForUpdate(deployment, old) {
    statusRules.prepareForUpdate(deployment, old);
    // Annotations are copied to ReplicaSets, so changing them is a new generation too.
    if (!jsonEqual(deployment.metadata.annotations ?? {}, old.metadata.annotations ?? {})) {
      deployment.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
  },
  prepareForStatusUpdate: statusRules.prepareForStatusUpdate,
  validateStatus: statusValidator<Deployment>(['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'observedGeneration', 'collisionCount']),
  printerColumns: [
    nameColumn(),
    column({ name: 'Ready', description: 'Number of the pod with ready state', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}` }),
    column({ name: 'Up-to-date', description: 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.', cell: (d) => d.status?.updatedReplicas ?? 0 }),
    column({ name: 'Available', description: 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (d) => d.status?.availableReplicas ?? 0 }),
    ageColumn(),
    ...templateColumns<Deployment>(true),
  ],
  selectableFields: metadataFields<Deployment>(),
  schema: definition('io.k8s.api.apps.v1.Deployment'),
  definitionName: 'io.k8s.api.apps.v1.Deployment',
});
