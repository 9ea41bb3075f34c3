/**
 * ValidatePodUpdate's spec rule: a running pod's spec is immutable except container images,
 * activeDeadlineSeconds, added tolerations and a terminationGracePeriodSeconds repair.
 * The message is kube-apiserver's, followed by a line diff of what else changed.
 */
import { type FieldError, forbidden } from '../../field-errors.js';
import { deepCopy, jsonEqual } from '../../object.js';
import type { PodSpec } from './types.js';

const UPDATABLE_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export const POD_UPDATE_FORBIDDEN_MESSAGE = `pod updates may not change fields other than ${UPDATABLE_FIELDS.join(',')}`;

/** The new spec with the allowed changes undone, so any remaining difference is forbidden. */
function mungeSpec(spec: PodSpec, old: PodSpec): PodSpec {
  const munged = deepCopy(old);
  const copyImages = (from: PodSpec['containers'] | undefined, to: PodSpec['containers'] | undefined): void => {
    if (from === undefined || to === undefined || from.length !== to.length) return;
    from.forEach((container, i) => {
      const target = to[i];
      if (target !== undefined && container.image !== undefined) target.image = container.image;
    });
  };
  copyImages(spec.containers, munged.containers);
  copyImages(spec.initContainers, munged.initContainers);
  if (spec.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  const oldTolerations = old.tolerations ?? [];
  const newTolerations = spec.tolerations ?? [];
  if (oldTolerations.every((t) => newTolerations.some((n) => jsonEqual(n, t)))) {
    if (spec.tolerations === undefined) delete munged.tolerations;
    else munged.tolerations = deepCopy(spec.tolerations);
  }
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && spec.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = 1;
  return munged;
}

function lineDiff(before: unknown, after: unknown): string {
  const a = JSON.stringify(before, null, 2).split('\n');
  const b = JSON.stringify(after, null, 2).split('\n');
  const lines: string[] = [];
  const longest = Math.max(a.length, b.length);
  for (let i = 0; i < longest && lines.length < 40; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) lines.push(`-${a[i]}`);
    if (b[i] !== undefined) lines.push(`+${b[i]}`);
  }
  return lines.join('\n');
}

export function validatePodSpecUpdate(spec: PodSpec, old: PodSpec): FieldError[] {
  const munged = mungeSpec(spec, old);
  if (jsonEqual(munged, spec)) return [];
  return [forbidden('spec', `${POD_UPDATE_FORBIDDEN_MESSAGE}\n${lineDiff(old, spec)}`)];
}
