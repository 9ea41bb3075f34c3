import type { ClusterHeader } from '../../peer/kv-store.js';
import type { ResponseHeader } from '../../store/index.js';
import { encodeBase64 } from './base64-strict.js';

/**
 * Output helpers that print fields as grpc-gateway v1 does with EmitDefaults off: every
 * zero value (0, false, "", empty bytes, empty list) is left out, and 64-bit integers are
 * decimal strings.
 */
export type JsonObject = Record<string, unknown>;

export const int64Out = (value: number | undefined): string | undefined =>
  value === undefined || value === 0 ? undefined : String(value);

/** int64 ids already held as decimal strings ("0" is the zero value). */
export const idOut = (value: string | undefined): string | undefined =>
  value === undefined || value === '0' || value === '' ? undefined : value;

export const bytesOut = (value: Uint8Array | undefined): string | undefined =>
  value === undefined || value.length === 0 ? undefined : encodeBase64(value);

export const boolOut = (value: boolean | undefined): true | undefined => (value === true ? true : undefined);

export const stringOut = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

export function listOut<T>(values: readonly T[] | undefined, encode: (value: T) => unknown): unknown[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values.map(encode);
}

/**
 * etcd's ResponseHeader. Txn sub-responses carry only the store's `{revision}`, and
 * etcd prints exactly that there.
 */
export function headerOut(header: ClusterHeader | ResponseHeader | undefined, options: { withRevision?: boolean } = {}): JsonObject | undefined {
  if (header === undefined) return undefined;
  const full = 'clusterId' in header ? header : undefined;
  return definedOnly({
    cluster_id: idOut(full?.clusterId),
    member_id: idOut(full?.memberId),
    revision: options.withRevision === false ? undefined : int64Out(header.revision),
    raft_term: int64Out(full?.raftTerm),
  });
}

/** Drops undefined members so that the printed JSON has no key for a zero value. */
export function definedOnly(object: JsonObject): JsonObject {
  const out: JsonObject = {};
  // for…in over a literal built here: no [key, value] array per field, on every response.
  for (const key in object) {
    const value = object[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Builds a request object for exactOptionalPropertyTypes: fields read as undefined are
 * left out rather than set to undefined.
 */
export function withoutUndefined<T extends object>(object: { [K in keyof T]: T[K] | undefined }): T {
  return definedOnly(object as JsonObject) as T;
}
