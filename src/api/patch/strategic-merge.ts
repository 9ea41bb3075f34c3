/**
 * Strategic merge patch, as kube-apiserver applies it (apimachinery/pkg/util/strategicpatch,
 * StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls). Lists whose schema
 * says `patchStrategy: merge` merge element by element on their merge key (containers by
 * name, ports by containerPort, conditions by type ...), lists of scalars merge as sets,
 * other lists are replaced. Directives: `$patch: replace|delete|merge`,
 * `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`, null deletes.
 * These are the patches kubectl apply, edit, label, annotate and scale send.
 */
import { ApiModelError } from '../errors.js';
import { hasOwn, isPlainObject, jsonDepthExceeds, setOwn } from '../object.js';
import type { OpenApiSchema } from '../schema/openapi.js';
import { fieldPatchMeta, itemSchema } from './patch-meta.js';

type JsonMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

const fail = (message: string): never => {
  throw new ApiModelError('API_PATCH_INVALID', message);
};

/** Applies `patch` to `original` under `schema`; neither input is modified. */
export function strategicMergePatch(original: unknown, patch: unknown, schema: OpenApiSchema | undefined): JsonMap {
  if (!isPlainObject(patch)) fail('invalid JSON document: a strategic merge patch must be a JSON object');
  if (jsonDepthExceeds(patch) || jsonDepthExceeds(original)) fail('exceeded max depth');
  const base = isPlainObject(original) ? structuredClone(original) : {};
  return mergeMap(base, structuredClone(patch as JsonMap), schema);
}

/** fmt's %v of a decoded JSON value: maps print with sorted keys. */
function goString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (!isPlainObject(value)) return String(value);
  const keys = Object.keys(value).sort();
  return `map[${keys.map((k) => `${k}:${goString(value[k])}`).join(' ')}]`;
}

function handleMapDirective(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return stripDirectives(patch);
  }
  if (directive === 'delete') return {};
  return fail(`unknown patch type: ${String(directive)} in map: ${goString(patch)}`);
}

/** A value new to the original still has its directives and nulls resolved. */
function stripDirectives(value: JsonMap): JsonMap {
  return mergeMap({}, value, undefined);
}

function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) fail('invalid patch format of retainKeys');
  const keep = new Set(retain as unknown[]);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) fail('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

function mergeMap(original: JsonMap, patch: JsonMap, schema: OpenApiSchema | undefined): JsonMap {
  if (hasOwn(patch, DIRECTIVE)) return handleMapDirective(patch[DIRECTIVE], patch);
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = rawKey.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (key.length === 0) fail('invalid patch format of primitive list');
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const meta = fieldPatchMeta(schema, key);
    if (!hasOwn(original, key)) {
      if (!isDeleteList) setOwn(original, key, newValue(patchValue, meta.schema));
      continue;
    }
    const originalValue = original[key];
    if (isPlainObject(originalValue) && isPlainObject(patchValue)) {
      setOwn(original, key, meta.strategies.includes('replace') ? stripDirectives(patchValue) : mergeMap(originalValue, patchValue, meta.schema));
    } else if (Array.isArray(originalValue) && Array.isArray(patchValue)) {
      const list = meta.strategies.includes('merge') ? mergeList(originalValue, patchValue, meta.schema, meta.mergeKey, isDeleteList) : isDeleteList ? originalValue : patchValue;
      setOwn(original, key, list);
    } else if (!isDeleteList) {
      setOwn(original, key, newValue(patchValue, meta.schema));
    }
  }
  return original;
}

function newValue(value: unknown, schema: OpenApiSchema | undefined): unknown {
  if (isPlainObject(value)) return mergeMap({}, value, schema);
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    return value.filter((item) => !(isPlainObject(item) && item[DIRECTIVE] === 'delete')).map((item) => {
      if (!isPlainObject(item)) return item;
      const { [DIRECTIVE]: _directive, ...rest } = item;
      return mergeMap({}, rest, items);
    });
  }
  return value;
}

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';

function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isPlainObject(item)) fail(`value for key ${mergeKey} is not a map.`);
  const value = (item as JsonMap)[mergeKey];
  if (value === undefined) fail(`map: ${goString(item)} does not contain declared merge key: ${mergeKey}`);
  return value;
}

/** What identifies a list element: its merge key's value for maps, itself for scalars. */
function identity(item: unknown, mergeKey: string): unknown {
  if (mergeKey === '') return item;
  return isPlainObject(item) ? item[mergeKey] : undefined;
}

/**
 * First position of each identity in `list`. Maps keep lookups O(1): lists in a 3 MiB body
 * can hold tens of thousands of elements, and a quadratic merge would stall the peer.
 */
function positions(list: readonly unknown[], mergeKey: string): Map<unknown, number> {
  const found = new Map<unknown, number>();
  list.forEach((item, i) => {
    const id = identity(item, mergeKey);
    if (!found.has(id)) found.set(id, i);
  });
  return found;
}

function mergeList(original: unknown[], patch: unknown[], schema: OpenApiSchema | undefined, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const sample = [...original, ...patch][0];
  if (Array.isArray(sample)) fail('lists of lists are not supported');
  if (isScalar(sample)) {
    if (isDeleteList) {
      const doomed = new Set(patch);
      return original.filter((item) => !doomed.has(item));
    }
    const merged = [...new Set([...original, ...patch])];
    return normalizeOrder(merged, patch, original, '');
  }
  if (mergeKey === '') fail('cannot merge lists without merge key');
  const special = applyListDirectives(original, patch, mergeKey);
  const merged = [...special.original];
  const mergedAt = positions(merged, mergeKey);
  const items = itemSchema(schema);
  for (const item of special.patch) {
    const id = mergeKeyOf(item, mergeKey);
    const at = mergedAt.get(id);
    if (at !== undefined) merged[at] = mergeMap(merged[at] as JsonMap, item as JsonMap, items);
    else {
      mergedAt.set(id, merged.length);
      merged.push(mergeMap({}, item as JsonMap, items));
    }
  }
  return normalizeOrder(merged, special.patch, special.original, mergeKey);
}

/** `{$patch: delete, <key>: v}` removes matching elements; `{$patch: replace}` replaces the list. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): { original: unknown[]; patch: unknown[] } {
  const doomed = new Set<unknown>();
  const plain: unknown[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isPlainObject(item) || !hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      doomed.add(mergeKeyOf(item, mergeKey));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      fail('merging lists cannot yet be specified in the patch');
    } else {
      fail(`unknown patch type: ${String(directive)} in map: ${goString(item)}`);
    }
  }
  if (replace) return { original: plain, patch: [] };
  const kept = doomed.size === 0 ? original : original.filter((entry) => !(isPlainObject(entry) && doomed.has(entry[mergeKey])));
  return { original: kept, patch: plain };
}

/**
 * normalizeElementOrder: items named by `patchOrder` keep that order, the others keep their
 * order in `serverOrder`, and the two sequences interleave by server position.
 */
function normalizeOrder(merged: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string): unknown[] {
  const patchAt = positions(patchOrder, mergeKey);
  const serverAt = positions(serverOrder, mergeKey);
  const inPatch = merged.filter((item) => patchAt.has(identity(item, mergeKey)));
  const serverOnly = merged.filter((item) => !patchAt.has(identity(item, mergeKey)));
  const byOrder = (at: Map<unknown, number>) => (a: unknown, b: unknown): number => {
    const ia = at.get(identity(a, mergeKey));
    const ib = at.get(identity(b, mergeKey));
    return ia !== undefined && ib !== undefined ? ia - ib : 0;
  };
  inPatch.sort(byOrder(patchAt));
  serverOnly.sort(byOrder(serverAt));
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (i >= serverOnly.length) result.push(inPatch[j++]);
    else if (j >= inPatch.length) result.push(serverOnly[i++]);
    else {
      const li = serverAt.get(identity(serverOnly[i], mergeKey));
      const ri = serverAt.get(identity(inPatch[j], mergeKey));
      if (li !== undefined && ri !== undefined && li < ri) result.push(serverOnly[i++]);
      else result.push(inPatch[j++]);
    }
  }
  return result;
}

/** `$setElementOrder/<list>`: merge the list, then order it as the directive says. */
function applySetElementOrder(original: JsonMap, patch: JsonMap, schema: OpenApiSchema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    const key = directiveKey.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order) || key.length === 0) fail('invalid patch format of setElementOrder list');
    const orderList = order as unknown[];
    const meta = fieldPatchMeta(schema, key);
    const originalList = hasOwn(original, key) ? original[key] : undefined;
    const patchList = hasOwn(patch, key) ? patch[key] : undefined;
    if (originalList !== undefined && !Array.isArray(originalList)) continue;
    if (patchList !== undefined && !Array.isArray(patchList)) fail('invalid patch format of setElementOrder list');
    let merged: unknown[];
    if (originalList !== undefined && patchList !== undefined) {
      merged = meta.strategies.includes('merge') ? mergeList(originalList, patchList as unknown[], meta.schema, meta.mergeKey, false) : (patchList as unknown[]);
    } else if (patchList !== undefined) {
      merged = newValue(patchList, meta.schema) as unknown[];
    } else if (originalList !== undefined) {
      merged = originalList;
    } else {
      continue;
    }
    setOwn(original, key, normalizeOrder(merged, orderList, originalList ?? [], meta.mergeKey));
    delete patch[key];
  }
}
