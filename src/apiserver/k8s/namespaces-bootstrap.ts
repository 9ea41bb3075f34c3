import type { FieldError } from '../../api/field-errors.js';
import type { KindDeclaration } from '../../api/kind.js';
import type { KindRegistry } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import { fillCreateMeta } from './object-lifecycle.js';
import type { ResourceStore, WriteExtras } from './resource-store.js';
import { SYSTEM_NAMESPACES } from '../../api/bootstrap.js';

/** Namespaces every cluster has from its first start (declared in src/api). */
export { SYSTEM_NAMESPACES };

/**
 * Creates the system namespaces that are missing. Idempotent: every peer runs it at start,
 * and AlreadyExists (another peer won) counts as done.
 */
export async function ensureSystemNamespaces(store: ResourceStore, registry: KindRegistry, nowMs: number): Promise<void> {
  const d = registry.byResource('', 'v1', 'namespaces');
  if (d === undefined) return;
  for (const name of SYSTEM_NAMESPACES) {
    if (await store.namespaceExists(name)) continue;
    await createUnlessExists(store, d, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, nowMs);
  }
}

/**
 * Creates an object the cluster makes on its first start, as a create request would
 * store it (defaults, metadata, prepare, validate; `extras` then adds to the write, e.g.
 * a Service's address claim). AlreadyExists counts as done: every peer bootstraps, and
 * another one got there first. An invalid object is not written: its errors are returned.
 */
export async function createUnlessExists(
  store: ResourceStore,
  d: KindDeclaration,
  obj: KubeObject,
  nowMs: number,
  extras?: (obj: KubeObject) => WriteExtras,
): Promise<FieldError[]> {
  d.defaults(obj);
  fillCreateMeta(obj, nowMs);
  d.prepareForCreate(obj);
  const errors = d.validate(obj);
  if (errors.length > 0) return errors;
  try {
    await store.create(d, obj, extras?.(obj));
  } catch (error) {
    if ((error as { reason?: string }).reason !== 'AlreadyExists') throw error;
  }
  return [];
}
