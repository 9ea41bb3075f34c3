/** JSON merge patch (RFC 7386): objects merge recursively, null deletes, anything else replaces. */
import { hasOwn, isPlainObject, setOwn } from '../object.js';

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, jsonMergePatch(hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
