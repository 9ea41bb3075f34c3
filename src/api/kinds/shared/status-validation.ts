/**
 * validateStatus for kinds with a status subresource: the metadata update rules (a status
 * writer cannot rename or re-own an object) plus the non-negative counters kube checks in
 * Validate<Kind>StatusUpdate (replicas, readyReplicas, ...).
 */
import type { FieldError } from '../../field-errors.js';
import { isPlainObject, type KubeObject } from '../../object.js';
import { validateObjectMetaUpdate } from '../../validation/object-meta.js';
import { nonNegative } from './workload.js';

export function statusValidator<T extends KubeObject>(
  counters: readonly string[],
  extra: (obj: T, old: T) => FieldError[] = () => [],
): (obj: T, old: T) => FieldError[] {
  return (obj, old) => {
    const errors = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const status = isPlainObject(obj['status']) ? obj['status'] : {};
    for (const counter of counters) {
      const value = status[counter];
      if (typeof value === 'number') errors.push(...nonNegative(value, `status.${counter}`));
    }
    return [...errors, ...extra(obj, old)];
  };
}
