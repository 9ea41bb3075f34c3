import type { WithHeader } from '../../peer/kv-store.js';
import type {
  CompactionRequest,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  SortOrder,
  SortTarget,
} from '../../store/index.js';
import type { JsonFields } from './json-fields.js';
import { boolOut, bytesOut, definedOnly, headerOut, idOut, int64Out, listOut, withoutUndefined, type JsonObject } from './json-out.js';

const SORT_ORDERS: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
const EMPTY = new Uint8Array(0);

/** A RangeRequest and its `serializable` flag, which the store takes as a read option. */
export function decodeRangeRequest(fields: JsonFields): { request: RangeRequest; serializable: boolean } {
  const request = withoutUndefined<RangeRequest>({
    key: fields.bytes('key') ?? EMPTY,
    rangeEnd: fields.bytes('range_end'),
    limit: atLeastZero(fields.int('limit')),
    revision: atLeastZero(fields.int('revision')),
    sortOrder: fields.enumOf('sort_order', SORT_ORDERS, 'etcdserverpb.RangeRequest_SortOrder'),
    sortTarget: fields.enumOf('sort_target', SORT_TARGETS, 'etcdserverpb.RangeRequest_SortTarget'),
    keysOnly: fields.bool('keys_only'),
    countOnly: fields.bool('count_only'),
    minModRevision: atLeastZero(fields.int('min_mod_revision')),
    maxModRevision: fields.int('max_mod_revision'),
    minCreateRevision: atLeastZero(fields.int('min_create_revision')),
    maxCreateRevision: fields.int('max_create_revision'),
  });
  return { request, serializable: fields.bool('serializable') ?? false };
}

/**
 * etcd reads a negative limit, revision or lower revision bound as none at all (its range
 * code tests `limit <= 0`, `rev <= 0` and `min != 0 && mod < min`), so it answers such a
 * range as it answers one without them. Negative upper bounds keep their meaning.
 */
function atLeastZero(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.max(0, value);
}

export function decodePutRequest(fields: JsonFields): PutRequest {
  return withoutUndefined<PutRequest>({
    key: fields.bytes('key') ?? EMPTY,
    value: fields.bytes('value'),
    lease: fields.id('lease'),
    prevKv: fields.bool('prev_kv'),
    ignoreValue: fields.bool('ignore_value'),
    ignoreLease: fields.bool('ignore_lease'),
  });
}

export function decodeDeleteRangeRequest(fields: JsonFields): DeleteRangeRequest {
  return withoutUndefined<DeleteRangeRequest>({
    key: fields.bytes('key') ?? EMPTY,
    rangeEnd: fields.bytes('range_end'),
    prevKv: fields.bool('prev_kv'),
  });
}

export function decodeCompactionRequest(fields: JsonFields): CompactionRequest {
  return withoutUndefined<CompactionRequest>({ revision: fields.int('revision') ?? 0, physical: fields.bool('physical') });
}

/** mvccpb.KeyValue, fields in .proto order. */
export function keyValueOut(kv: KeyValue): JsonObject {
  return definedOnly({
    key: bytesOut(kv.key),
    create_revision: int64Out(kv.createRevision),
    mod_revision: int64Out(kv.modRevision),
    version: int64Out(kv.version),
    value: bytesOut(kv.value),
    lease: idOut(kv.lease),
  });
}

type Response<T extends { header: unknown }> = T | WithHeader<T>;

export function rangeResponseOut(response: Response<RangeResponse>): JsonObject {
  return definedOnly({
    header: headerOut(response.header),
    kvs: listOut(response.kvs, keyValueOut),
    more: boolOut(response.more),
    count: int64Out(response.count),
  });
}

export function putResponseOut(response: Response<PutResponse>): JsonObject {
  return definedOnly({
    header: headerOut(response.header),
    prev_kv: response.prevKv === undefined ? undefined : keyValueOut(response.prevKv),
  });
}

export function deleteRangeResponseOut(response: Response<DeleteRangeResponse>): JsonObject {
  return definedOnly({
    header: headerOut(response.header),
    deleted: int64Out(response.deleted),
    prev_kvs: listOut(response.prevKvs, keyValueOut),
  });
}
