import jsonPatch from 'fast-json-patch';
import { ApiError, badRequest, unsupportedMediaType } from './api-errors.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export type PatchType = (typeof PATCH_TYPES)[number];

// Strategic merge and JSON merge patches are src/api/patch's; JSON Patch is fast-json-patch's.

export function patchTypeOf(mediaType: string): PatchType {
  const found = PATCH_TYPES.find((t) => t === mediaType);
  if (found === undefined) throw unsupportedMediaType(mediaType, PATCH_TYPES);
  return found;
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
