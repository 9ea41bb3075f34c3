/**
 * Strategic-merge metadata read from OpenAPI schemas, as kube's PatchMetaFromOpenAPI does:
 * a field's `x-kubernetes-patch-strategy` (merge, replace, retainKeys) and
 * `x-kubernetes-patch-merge-key`. Fields the schema does not describe merge like JSON
 * merge patch: maps merge, lists are replaced.
 */
import type { OpenApiSchema } from '../schema/openapi.js';
import { resolveSchema } from '../schema/definitions.js';

export interface FieldPatchMeta {
  /** The schema of the field's value (a map's values, a list's items are looked up from it). */
  readonly schema: OpenApiSchema | undefined;
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

export function fieldPatchMeta(parent: OpenApiSchema | undefined, field: string): FieldPatchMeta {
  const resolved = resolveSchema(parent);
  const properties = resolved?.properties;
  let fieldSchema: OpenApiSchema | undefined = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, field) ? properties[field] : undefined;
  if (fieldSchema === undefined && typeof resolved?.additionalProperties === 'object') fieldSchema = resolved.additionalProperties;
  const strategies = (fieldSchema?.['x-kubernetes-patch-strategy'] ?? '').split(',').filter((s) => s.length > 0);
  return { schema: fieldSchema, strategies, mergeKey: fieldSchema?.['x-kubernetes-patch-merge-key'] ?? '' };
}

/** The schema of a list's elements. */
export function itemSchema(listSchema: OpenApiSchema | undefined): OpenApiSchema | undefined {
  return resolveSchema(listSchema)?.items;
}
