/** JSON merge patch (RFC 7386): objects merge recursively, null deletes, anything else replaces. */
import { ApiModelError } from '../errors.js';
import { hasOwn, isPlainObject, jsonDepthExceeds, setOwn } from '../object.js';

/** Throws ApiModelError('API_PATCH_INVALID') for documents nested beyond JSON_DEPTH_MAX. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (jsonDepthExceeds(patch) || jsonDepthExceeds(target)) throw new ApiModelError('API_PATCH_INVALID', 'exceeded max depth');
  // Copied once here, then merged in place: no input is modified and no subtree is copied twice.
  return mergeInPlace(structuredClone(target), structuredClone(patch));
}

function mergeInPlace(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergeInPlace(hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
