/**
 * core/v1 Binding, the body of POST pods/<name>/binding: how the scheduler assigns a pod to
 * a node. Rules of pkg/registry/core/pod/storage (assignPod / setPodHostAndAnnotations).
 */
import { ApiModelError } from '../errors.js';
import { type FieldError, notSupported, required } from '../field-errors.js';
import type { KubeObject } from '../object.js';
import type { Pod, PodCondition } from '../kinds/pod-spec/types.js';

export interface Binding extends KubeObject {
  target: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
}

/** ValidatePodBinding. */
export function validateBinding(binding: Binding): FieldError[] {
  const errors: FieldError[] = [];
  const target = binding.target ?? {};
  if (target.kind && target.kind !== 'Node') errors.push(notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errors.push(required('target.name'));
  return errors;
}

/**
 * The pod after binding: spec.nodeName set, PodScheduled True, binding annotations copied.
 * Throws API_BINDING_CONFLICT (409) when the pod is already bound or being deleted.
 */
export function bindPod(pod: Pod, binding: Binding, nowIso: string): Pod {
  const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  const nodeName = binding.target?.name ?? '';
  if (pod.metadata.deletionTimestamp) {
    throw new ApiModelError('API_BINDING_CONFLICT', `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (pod.spec.nodeName) {
    throw new ApiModelError('API_BINDING_CONFLICT', `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`);
  }
  const bound: Pod = structuredClone(pod);
  bound.spec.nodeName = nodeName;
  const annotations = binding.metadata?.annotations;
  if (annotations !== undefined && Object.keys(annotations).length > 0) {
    bound.metadata.annotations = { ...bound.metadata.annotations, ...annotations };
  }
  const status = (bound.status ??= {});
  const conditions: PodCondition[] = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso });
  status.conditions = conditions;
  return bound;
}
