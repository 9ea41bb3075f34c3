/**
 * Small constructors for OpenAPI schemas so the definitions read like the Go types they
 * mirror. List helpers carry the strategic-merge-patch extensions kubectl relies on.
 */
import type { OpenApiSchema } from './openapi.js';

export const REF_PREFIX = '#/components/schemas/';

export const str: OpenApiSchema = { type: 'string' };
export const int32: OpenApiSchema = { type: 'integer', format: 'int32' };
export const int64: OpenApiSchema = { type: 'integer', format: 'int64' };
export const num: OpenApiSchema = { type: 'number', format: 'double' };
export const bool: OpenApiSchema = { type: 'boolean' };
export const time: OpenApiSchema = { type: 'string', format: 'date-time' };
export const bytes: OpenApiSchema = { type: 'string', format: 'byte' };
export const intOrString: OpenApiSchema = { 'x-kubernetes-int-or-string': true, format: 'int-or-string' };
export const quantity: OpenApiSchema = { 'x-kubernetes-int-or-string': true, format: 'quantity' };
/** Parts of the API the server stores but does not interpret (affinity, probes, ...). */
export const opaque: OpenApiSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

export const ref = (name: string): OpenApiSchema => ({ $ref: `${REF_PREFIX}${name}` });
export const obj = (properties: Record<string, OpenApiSchema>, required?: string[]): OpenApiSchema =>
  required === undefined ? { type: 'object', properties } : { type: 'object', properties, required };
export const mapOf = (values: OpenApiSchema): OpenApiSchema => ({ type: 'object', additionalProperties: values });
export const stringMap: OpenApiSchema = mapOf(str);
export const atomicList = (items: OpenApiSchema): OpenApiSchema => ({ type: 'array', items, 'x-kubernetes-list-type': 'atomic' });
export const setList = (items: OpenApiSchema): OpenApiSchema => ({ type: 'array', items, 'x-kubernetes-list-type': 'set' });

/** patchStrategy:"merge" patchMergeKey:<key>, listType=map. */
export const mergeList = (items: OpenApiSchema, mergeKey: string, listMapKeys: string[] = [mergeKey]): OpenApiSchema => ({
  type: 'array',
  items,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': listMapKeys,
  'x-kubernetes-patch-merge-key': mergeKey,
  'x-kubernetes-patch-strategy': 'merge',
});

/** A list of primitives merged as a set (finalizers). */
export const mergeSetList = (items: OpenApiSchema): OpenApiSchema => ({
  type: 'array',
  items,
  'x-kubernetes-list-type': 'set',
  'x-kubernetes-patch-strategy': 'merge',
});

export const withStrategy = (schema: OpenApiSchema, strategy: string): OpenApiSchema => ({ ...schema, 'x-kubernetes-patch-strategy': strategy });

/** A top-level kind: apiVersion, kind, metadata plus its own fields, tagged with its GVK. */
export function kindSchema(
  gvk: { group: string; version: string; kind: string },
  properties: Record<string, OpenApiSchema>,
  description: string,
): OpenApiSchema {
  return {
    type: 'object',
    description,
    properties: { apiVersion: str, kind: str, metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), ...properties },
    'x-kubernetes-group-version-kind': [gvk],
  };
}
