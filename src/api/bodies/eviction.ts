/**
 * policy/v1 Eviction, the body of POST pods/<name>/eviction (`kubectl drain`). Without
 * PodDisruptionBudgets an eviction is a graceful delete with the body's DeleteOptions.
 */
import { type FieldError, invalid } from '../field-errors.js';
import type { KubeObject } from '../object.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  dryRun?: string[];
}

export interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions;
}

const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'];

/** The checks of the eviction REST handler and ValidateDeleteOptions. */
export function validateEviction(eviction: Eviction, podName: string): { errors: FieldError[]; badRequest?: string } {
  if (eviction.metadata?.name !== undefined && eviction.metadata.name !== podName) {
    return { errors: [], badRequest: 'name in URL does not match name in Eviction object' };
  }
  const errors: FieldError[] = [];
  const options = eviction.deleteOptions ?? {};
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) {
    errors.push(invalid('deleteOptions.gracePeriodSeconds', options.gracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  if (options.propagationPolicy !== undefined && !PROPAGATION_POLICIES.includes(options.propagationPolicy)) {
    errors.push(invalid('deleteOptions.propagationPolicy', options.propagationPolicy, 'propagationPolicy must be one of Orphan, Background, Foreground'));
  }
  return { errors };
}
