/**
 * autoscaling/v1 Scale, the body of the scale subresource (`kubectl scale`), read from and
 * written to the paths a declaration's `scale` names.
 */
import { type FieldError, invalid, required } from '../field-errors.js';
import type { KindDeclaration } from '../kind.js';
import type { KubeObject, LabelSelector as StructuredSelector } from '../object.js';
import { LabelSelector } from '../selectors/label-selector.js';
import { IS_NEGATIVE } from '../validation/object-meta.js';
import { isPlainObject } from '../object.js';

export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

function readPath(obj: KubeObject, path: string): unknown {
  let current: unknown = obj;
  for (const part of path.split('.')) current = isPlainObject(current) ? current[part] : undefined;
  return current;
}

function writePath(obj: KubeObject, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    current = isPlainObject(next) ? next : (current[part] = {});
  }
  current[parts[parts.length - 1] ?? ''] = value;
}

/** The Scale view of an object whose kind has a scale subresource. */
export function toScale(declaration: KindDeclaration, obj: KubeObject): Scale {
  const paths = declaration.scale;
  if (paths === undefined) throw new Error(`${declaration.kind} has no scale subresource`);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const specReplicas = readPath(obj, paths.specReplicasPath);
  const statusReplicas = readPath(obj, paths.statusReplicasPath);
  let selector = '';
  try {
    selector = LabelSelector.fromStructured(readPath(obj, paths.labelSelectorPath) as StructuredSelector | undefined).toString();
  } catch {
    selector = '';
  }
  const metadata: KubeObject['metadata'] = {};
  if (name !== undefined) metadata.name = name;
  if (namespace !== undefined) metadata.namespace = namespace;
  if (uid !== undefined) metadata.uid = uid;
  if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
  if (creationTimestamp !== undefined) metadata.creationTimestamp = creationTimestamp;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata,
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, selector },
  };
}

/** ValidateScale. */
export function validateScale(scale: Scale): FieldError[] {
  const replicas = scale.spec?.replicas;
  if (replicas === undefined) return [required('spec.replicas')];
  return replicas < 0 ? [invalid('spec.replicas', replicas, IS_NEGATIVE)] : [];
}

/** The object with the Scale's desired replicas written into it (a copy). */
export function applyScale(declaration: KindDeclaration, obj: KubeObject, scale: Scale): KubeObject {
  const paths = declaration.scale;
  if (paths === undefined) throw new Error(`${declaration.kind} has no scale subresource`);
  const scaled = structuredClone(obj);
  writePath(scaled, paths.specReplicasPath, scale.spec?.replicas ?? 0);
  return scaled;
}
