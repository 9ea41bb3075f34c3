/**
 * What all workload controllers share (pkg/apis/apps/validation, batch/validation): a
 * selector that must select the template's labels, a valid pod template, restart policies
 * the controller can honour, non-negative counters, and the int-or-percent rules of rolling
 * updates.
 */
import { child, type FieldError, invalid, notSupported, required } from '../../field-errors.js';
import type { KubeObject } from '../../object.js';
import { nameIsDnsSubdomain } from '../../validation/names.js';
import { validateImmutable } from '../../validation/object-meta.js';
import { metaErrors } from './validate-meta.js';
import type { LabelSelector as StructuredSelector } from '../../object.js';
import { LabelSelector, validateLabelSelector } from '../../selectors/label-selector.js';
import { IS_NEGATIVE, validateAnnotations, validateLabels } from '../../validation/object-meta.js';
import type { PodTemplateSpec } from '../pod-spec/types.js';
import { validatePodSpec } from '../pod-spec/validation.js';

export interface WorkloadSpec {
  replicas?: number;
  selector?: StructuredSelector;
  template?: PodTemplateSpec;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  [k: string]: unknown;
}

export function nonNegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, IS_NEGATIVE)] : [];
}

/** The selector rules of Deployment, ReplicaSet, DaemonSet and StatefulSet. */
export function validateWorkloadSelector(spec: WorkloadSpec, kindText: string): FieldError[] {
  if (spec.selector === undefined || spec.selector === null) return [required('spec.selector')];
  const errors = validateLabelSelector(spec.selector, 'spec.selector');
  const { matchLabels, matchExpressions } = spec.selector;
  if (Object.keys(matchLabels ?? {}).length + (matchExpressions ?? []).length === 0) {
    errors.push(invalid('spec.selector', spec.selector, `empty selector is invalid for ${kindText}`));
  }
  return errors;
}

function selectorOf(spec: WorkloadSpec): LabelSelector | undefined {
  try {
    return LabelSelector.fromStructured(spec.selector);
  } catch {
    return undefined;
  }
}

/** ValidatePodTemplateSpec: template metadata and spec (labels, annotations, pod spec). */
export function validatePodTemplate(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (template === undefined || template === null) return [required(path)];
  const errors = [
    ...validateLabels(template.metadata?.labels, child(path, 'metadata', 'labels')),
    ...validateAnnotations(template.metadata?.annotations, child(path, 'metadata', 'annotations')),
  ];
  return [...errors, ...validatePodSpec(template.spec, child(path, 'spec'))];
}

/**
 * ValidatePodTemplateSpecForReplicaSet (and its DaemonSet / StatefulSet / Job siblings):
 * the selector must select the template, and only the given restart policies are allowed.
 */
export function validateSelectedTemplate(spec: WorkloadSpec, restartPolicies: readonly string[]): FieldError[] {
  const template = spec.template;
  if (template === undefined || template === null) return [required('spec.template')];
  const errors: FieldError[] = [];
  const selector = selectorOf(spec);
  if (selector === undefined) errors.push(invalid('spec.selector', spec.selector, 'invalid label selector'));
  else if (!selector.isEmpty() && !selector.matches(template.metadata?.labels)) {
    errors.push(invalid('spec.template.metadata.labels', template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errors.push(...validatePodTemplate(template, 'spec.template'));
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== undefined && !restartPolicies.includes(restartPolicy)) {
    errors.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, restartPolicies));
  }
  return errors;
}

const PERCENT = /^[0-9]+%$/;
const PERCENT_MESSAGE =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** The value an int-or-percent stands for when compared to zero or 100%. */
export function intOrPercentValue(value: number | string | undefined): { value: number; percent: boolean } {
  if (typeof value === 'number') return { value, percent: false };
  if (typeof value === 'string' && PERCENT.test(value)) return { value: Number.parseInt(value, 10), percent: true };
  return { value: 0, percent: false };
}

export function validatePositiveIntOrPercent(value: number | string | undefined, path: string, notAbove100: boolean): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) return [invalid(path, value, PERCENT_MESSAGE)];
    if (notAbove100 && Number.parseInt(value, 10) > 100) return [invalid(path, value, 'must not be greater than 100%')];
    return [];
  }
  return nonNegative(value, path);
}

export interface RollingUpdateValues {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
}

/** ValidateRollingUpdate of Deployments and DaemonSets: both may not be 0. */
export function validateRollingUpdate(rolling: RollingUpdateValues, path: string, surgeNotAbove100: boolean): FieldError[] {
  const errors = [
    ...validatePositiveIntOrPercent(rolling.maxUnavailable, child(path, 'maxUnavailable'), true),
    ...validatePositiveIntOrPercent(rolling.maxSurge, child(path, 'maxSurge'), surgeNotAbove100),
  ];
  if (intOrPercentValue(rolling.maxUnavailable).value === 0 && intOrPercentValue(rolling.maxSurge).value === 0) {
    errors.push(invalid(child(path, 'maxUnavailable'), rolling.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  return errors;
}

/** validate() of a workload whose apps/v1 selector is immutable once created. */
export function workloadValidator<T extends KubeObject & { spec: WorkloadSpec }>(
  validateSpec: (spec: T['spec'] | undefined) => FieldError[],
): (obj: T, old?: T) => FieldError[] {
  return (obj, old) => {
    const errors = [...metaErrors(obj, old, true, nameIsDnsSubdomain), ...validateSpec(obj.spec)];
    if (old !== undefined) errors.push(...validateImmutable(obj.spec?.selector, old.spec?.selector, 'spec.selector'));
    return errors;
  };
}
