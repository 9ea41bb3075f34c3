import type { KindRegistry } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import { fillCreateMeta } from './object-lifecycle.js';
import type { ResourceStore } from './resource-store.js';
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
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    d.defaults(obj);
    fillCreateMeta(obj, nowMs);
    d.prepareForCreate(obj);
    try {
      await store.create(d, obj);
    } catch (error) {
      if ((error as { reason?: string }).reason !== 'AlreadyExists') throw error;
    }
  }
}
