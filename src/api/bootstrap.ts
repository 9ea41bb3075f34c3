/**
 * The objects kube-apiserver creates when a cluster first starts: the four system
 * namespaces. Returned ready to store (defaulted and prepared) except uid, resourceVersion
 * and creationTimestamp, which the API server fills as for any create.
 */
import { namespaceKind, type Namespace } from './kinds/namespace.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export function bootstrapObjects(): Namespace[] {
  return SYSTEM_NAMESPACES.map((name) => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    namespaceKind.defaults(ns);
    namespaceKind.prepareForCreate(ns);
    return ns;
  });
}
