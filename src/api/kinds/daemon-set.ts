/** apps/v1 DaemonSet, with status. */
import { child, type FieldError, invalid, notSupported, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { formatLabels } from '../selectors/label-selector.js';
import { defaultPodTemplate } from './pod-spec/defaults.js';
import type { RollingUpdate } from './deployment.js';
import { ageColumn, column, nameColumn, templateColumns } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import {
  intOrPercentValue,
  nonNegative,
  validateRollingUpdate,
  validateSelectedTemplate,
  validateWorkloadSelector,
  workloadValidator,
  type WorkloadSpec,
} from './shared/workload.js';

export interface DaemonSetSpec extends WorkloadSpec {
  updateStrategy?: { type?: string; rollingUpdate?: RollingUpdate };
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status?: {
    currentNumberScheduled?: number;
    numberMisscheduled?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    observedGeneration?: number;
  };
}

function validateUpdateStrategy(spec: DaemonSetSpec): FieldError[] {
  const strategy = spec.updateStrategy ?? {};
  const path = 'spec.updateStrategy';
  if (strategy.type === 'OnDelete') return [];
  if (strategy.type !== 'RollingUpdate') return [notSupported(child(path, 'type'), strategy.type ?? '', ['OnDelete', 'RollingUpdate'])];
  const rolling = strategy.rollingUpdate;
  if (rolling === undefined) return [required(child(path, 'rollingUpdate'))];
  const at = child(path, 'rollingUpdate');
  const errors = validateRollingUpdate(rolling, at, true);
  if (intOrPercentValue(rolling.maxUnavailable).value !== 0 && intOrPercentValue(rolling.maxSurge).value !== 0) {
    errors.push(invalid(child(at, 'maxSurge'), rolling.maxSurge ?? 0, 'may not be set when maxUnavailable is non-zero'));
  }
  return errors;
}

function validateDaemonSetSpec(spec: DaemonSetSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  return [
    ...validateWorkloadSelector(spec, 'daemonset'),
    ...validateSelectedTemplate(spec, ['Always']),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...validateUpdateStrategy(spec),
  ];
}

const statusRules = statusPrepareRules<DaemonSet>({ generation: true });

export const daemonSetKind = defineKind<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [{ name: 'status', group: 'apps', version: 'v1', kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] }],
  defaults(ds) {
    const spec = ds.spec;
    if (spec === undefined) return;
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling = (strategy.rollingUpdate ??= {});
      rolling.maxUnavailable ??= 1;
      rolling.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
  },
  validate: workloadValidator<DaemonSet>(validateDaemonSetSpec),
  ...statusRules,
  validateStatus: statusValidator<DaemonSet>(['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'observedGeneration']),
  printerColumns: [
    nameColumn(),
    column({ name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).', cell: (ds) => ds.status?.desiredNumberScheduled ?? 0 }),
    column({ name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', cell: (ds) => ds.status?.currentNumberScheduled ?? 0 }),
    column({ name: 'Ready', type: 'integer', description: 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', cell: (ds) => ds.status?.numberReady ?? 0 }),
    column({ name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod', cell: (ds) => ds.status?.updatedNumberScheduled ?? 0 }),
    column({ name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', cell: (ds) => ds.status?.numberAvailable ?? 0 }),
    column({ name: 'Node Selector', description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/", cell: (ds) => formatLabels(ds.spec?.template?.spec?.nodeSelector) }),
    ageColumn(),
    ...templateColumns<DaemonSet>(true),
  ],
  selectableFields: metadataFields<DaemonSet>(),
  schema: definition('io.k8s.api.apps.v1.DaemonSet'),
  definitionName: 'io.k8s.api.apps.v1.DaemonSet',
});
