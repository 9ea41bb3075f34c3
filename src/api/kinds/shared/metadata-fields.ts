/** Field selector values every kind supports (kube's DefaultMetaV1FieldSelectorConversion). */
import type { KubeObject } from '../../object.js';

export function metadataFields<T extends KubeObject>(): Record<string, (obj: T) => string> {
  return {
    'metadata.name': (obj) => obj.metadata.name ?? '',
    'metadata.namespace': (obj) => obj.metadata.namespace ?? '',
  };
}
