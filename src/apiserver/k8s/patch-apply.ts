import jsonPatch from 'fast-json-patch';
import { isPlainObject } from '../../api/object.js';
import { resolveSchema } from '../../api/schema/definitions.js';
import type { OpenApiSchema } from '../../api/schema/openapi.js';
import { ApiError, badRequest, unsupportedMediaType } from './api-errors.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export type PatchType = (typeof PATCH_TYPES)[number];

export function patchTypeOf(mediaType: string): PatchType {
  const found = PATCH_TYPES.find((t) => t === mediaType);
  if (found === undefined) throw unsupportedMediaType(mediaType, PATCH_TYPES);
  return found;
}

/** RFC 7386: objects merge key by key, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const PATCH_OPERATIONS_MAX = 10_000;

/** RFC 6902 through fast-json-patch, with kube-apiserver's error kinds. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (operations.length > PATCH_OPERATIONS_MAX) {
    throw new ApiError(422, 'Invalid', `The allowed maximum operations in a JSON patch is ${PATCH_OPERATIONS_MAX}, got ${operations.length}`);
  }
  const invalidOp = jsonPatch.validate(operations as jsonPatch.Operation[]);
  if (invalidOp !== undefined) throw badRequest(`invalid JSON patch: ${invalidOp.message.split('\n')[0] ?? ''}`);
  try {
    return jsonPatch.applyPatch(structuredClone(target), operations as jsonPatch.Operation[], true, true, true).newDocument;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'patch failed';
    if ((error as { name?: string }).name === 'TEST_OPERATION_FAILED') {
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value failed`);
    }
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}

/**
 * Strategic merge patch over the kind's schema: like a merge patch, but lists with an
 * x-kubernetes-patch-merge-key merge element by element, `$patch: delete|replace` directives
 * are honoured and `$setElementOrder`/`$retainKeys` directives are accepted. The full
 * implementation belongs to src/api/patch; this covers what kubectl apply and patch send.
 */
export function strategicMergePatch(target: unknown, patch: unknown, schemaIn: OpenApiSchema | undefined): unknown {
  const schema = resolveSchema(schemaIn);
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _d, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch['$patch'] === 'delete') return undefined;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const property = resolveSchema(schema?.properties?.[key] ?? (isPlainObject(schema?.additionalProperties) ? schema?.additionalProperties : undefined));
    const mergeKey = property?.['x-kubernetes-patch-merge-key'];
    const strategy = property?.['x-kubernetes-patch-strategy'] ?? '';
    const current = result[key];
    if (Array.isArray(value) && mergeKey !== undefined && strategy.includes('merge')) {
      result[key] = mergeList(Array.isArray(current) ? current : [], value, mergeKey, property?.items);
    } else if (Array.isArray(value) && strategy.includes('merge') && Array.isArray(current)) {
      result[key] = [...current, ...value.filter((v) => !current.some((c) => JSON.stringify(c) === JSON.stringify(v)))];
    } else if (isPlainObject(value)) {
      const merged = strategicMergePatch(current, value, property);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string, itemSchema: OpenApiSchema | undefined): unknown[] {
  const result = [...current];
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const keyValue = item[mergeKey];
    const at = result.findIndex((c) => isPlainObject(c) && c[mergeKey] === keyValue);
    if (item['$patch'] === 'delete') {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    if (at >= 0) result[at] = strategicMergePatch(result[at], item, itemSchema);
    else result.push(strategicMergePatch(undefined, item, itemSchema));
  }
  return result;
}
