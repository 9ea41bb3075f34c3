/**
 * batch/v1 Job, with status. Unless `manualSelector` is set, the server owns the selector:
 * it labels the template with the job's name and uid and selects on the uid (prepareForCreate,
 * which runs after the API server has assigned metadata.uid).
 */
import { type FieldError, invalid, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { ageOf, humanDuration } from '../duration.js';
import { definition } from '../schema/definitions.js';
import { validateLabelSelector } from '../selectors/label-selector.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { validateImmutable } from '../validation/object-meta.js';
import { defaultPodTemplate } from './pod-spec/defaults.js';
import { ageColumn, column, nameColumn, templateColumns } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';
import { nonNegative, validateSelectedTemplate, type WorkloadSpec } from './shared/workload.js';

export interface JobSpec extends WorkloadSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  manualSelector?: boolean;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
}

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: {
    conditions?: JobCondition[];
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
  };
}

export const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'] as const;
export const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'] as const;
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/** generateSelector of the job strategy: labels on the template, selector on the uid. */
function generateSelector(job: Job): void {
  const template = job.spec.template;
  if (template === undefined) return;
  template.metadata ??= {};
  const labels = (template.metadata.labels ??= {});
  for (const label of JOB_NAME_LABELS) labels[label] ??= job.metadata.name ?? '';
  for (const label of CONTROLLER_UID_LABELS) labels[label] ??= job.metadata.uid ?? '';
  const selector = (job.spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  matchLabels[CONTROLLER_UID_LABEL] ??= job.metadata.uid ?? '';
}

function validateJobSpec(spec: JobSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  const errors = [
    ...nonNegative(spec.parallelism, 'spec.parallelism'),
    ...nonNegative(spec.completions, 'spec.completions'),
    ...nonNegative(spec.backoffLimit, 'spec.backoffLimit'),
    ...nonNegative(spec.ttlSecondsAfterFinished, 'spec.ttlSecondsAfterFinished'),
  ];
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) {
    errors.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than 0'));
  }
  if (spec.selector === undefined) errors.push(required('spec.selector'));
  else errors.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errors.push(...validateSelectedTemplate(spec, ['OnFailure', 'Never']));
  if (spec.completionMode !== undefined && spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed') {
    errors.push(invalid('spec.completionMode', spec.completionMode, 'must be one of NonIndexed, Indexed'));
  }
  return errors;
}

function validateJobUpdate(spec: JobSpec | undefined, old: JobSpec | undefined): FieldError[] {
  return [
    ...validateImmutable(spec?.selector, old?.selector, 'spec.selector'),
    ...validateImmutable(spec?.template, old?.template, 'spec.template'),
    ...validateImmutable(spec?.completionMode, old?.completionMode, 'spec.completionMode'),
    ...(spec?.completionMode === 'Indexed' ? [] : validateImmutable(spec?.completions, old?.completions, 'spec.completions')),
  ];
}

const hasCondition = (job: Job, type: string): boolean => (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

/** printJob's STATUS column. */
export function jobStatusText(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsText(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationText(job: Job, nowMs: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const completion = job.status?.completionTime;
  if (!completion) return ageOf(start, nowMs);
  return humanDuration(Date.parse(completion) - Date.parse(start));
}

const statusRules = statusPrepareRules<Job>({ generation: true });

export const jobKind = defineKind<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  shortNames: [],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [{ name: 'status', group: 'batch', version: 'v1', kind: 'Job', verbs: ['get', 'patch', 'update'] }],
  defaults(job) {
    const spec = job.spec;
    if (spec === undefined) return;
    // Neither set: one pod, run to one completion. Parallelism alone leaves completions unset (a work queue).
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= 'TerminatingOrFailed';
    defaultPodTemplate(spec.template);
  },
  validate(job, old) {
    const errors = [...metaErrors(job, old, true, nameIsDnsSubdomain), ...validateJobSpec(job.spec)];
    if (old !== undefined) errors.push(...validateJobUpdate(job.spec, old.spec));
    return errors;
  },
  prepareForCreate(job) {
    statusRules.prepareForCreate(job);
    if (job.spec !== undefined && job.spec.manualSelector !== true) generateSelector(job);
  },
  prepareForUpdate: statusRules.prepareForUpdate,
  prepareForStatusUpdate: statusRules.prepareForStatusUpdate,
  validateStatus: statusValidator<Job>(['active', 'succeeded', 'failed', 'ready']),
  printerColumns: [
    nameColumn(),
    column({ name: 'Status', description: 'Status of the job.', cell: jobStatusText }),
    column({ name: 'Completions', description: 'The completion status of the job.', cell: completionsText }),
    column({ name: 'Duration', description: 'Time required to complete the job.', cell: (job, c) => durationText(job, c.nowMs) }),
    ageColumn(),
    ...templateColumns<Job>(true),
  ],
  selectableFields: { ...metadataFields<Job>(), 'status.successful': (job) => String(job.status?.succeeded ?? 0) },
  schema: definition('io.k8s.api.batch.v1.Job'),
  definitionName: 'io.k8s.api.batch.v1.Job',
});
