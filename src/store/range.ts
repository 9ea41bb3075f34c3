import { EMPTY_BYTES, compareBytes, keyInterval } from './bytes.js';
import type { MvccState } from './mvcc-state.js';
import type { RangeRequest, RangeResponse, SortOrder, SortTarget } from './requests.js';
import type { KeyValue, ResponseHeader } from './types.js';

/**
 * etcd's normalisation: a non-key target with no order means ascending, and ascending by
 * key is the index order already.
 */
function effectiveSortOrder(order: SortOrder, target: SortTarget): SortOrder {
  if (target !== 'KEY' && order === 'NONE') return 'ASCEND';
  if (target === 'KEY' && order === 'ASCEND') return 'NONE';
  return order;
}

function compareByTarget(target: SortTarget, a: KeyValue, b: KeyValue): number {
  switch (target) {
    case 'KEY':
      return compareBytes(a.key, b.key);
    case 'VERSION':
      return a.version - b.version;
    case 'CREATE':
      return a.createRevision - b.createRevision;
    case 'MOD':
      return a.modRevision - b.modRevision;
    case 'VALUE':
      return compareBytes(a.value, b.value);
  }
}

function passesFilters(request: RangeRequest, kv: KeyValue): boolean {
  const { minModRevision = 0, maxModRevision = 0, minCreateRevision = 0, maxCreateRevision = 0 } = request;
  if (maxModRevision !== 0 && kv.modRevision > maxModRevision) return false;
  if (minModRevision !== 0 && kv.modRevision < minModRevision) return false;
  if (maxCreateRevision !== 0 && kv.createRevision > maxCreateRevision) return false;
  if (minCreateRevision !== 0 && kv.createRevision < minCreateRevision) return false;
  return true;
}

/**
 * Reads a range at main revision `atMain` (already checked against the compact and current
 * revisions). `count` is every key in the range at that revision, before filters and
 * limit, as etcd reports it.
 */
export function executeRange(
  state: MvccState,
  request: RangeRequest,
  atMain: number,
  header: ResponseHeader,
): RangeResponse {
  const limit = request.limit ?? 0;
  const target = request.sortTarget ?? 'KEY';
  const order = effectiveSortOrder(request.sortOrder ?? 'NONE', target);
  const filtered =
    (request.minModRevision ?? 0) !== 0 ||
    (request.maxModRevision ?? 0) !== 0 ||
    (request.minCreateRevision ?? 0) !== 0 ||
    (request.maxCreateRevision ?? 0) !== 0;
  const fetchAll = order !== 'NONE' || filtered || limit === 0;
  const fetchMax = request.countOnly === true ? 0 : fetchAll ? Number.POSITIVE_INFINITY : limit + 1;

  let count = 0;
  let kvs: KeyValue[] = [];
  for (const { revision } of state.index.range(keyInterval(request.key, request.rangeEnd), atMain)) {
    count++;
    if (kvs.length < fetchMax) kvs.push(state.history.get(revision));
  }
  if (filtered) kvs = kvs.filter((kv) => passesFilters(request, kv));
  if (order === 'ASCEND') kvs.sort((a, b) => compareByTarget(target, a, b));
  if (order === 'DESCEND') kvs.sort((a, b) => compareByTarget(target, b, a));
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  if (request.keysOnly === true) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY_BYTES }));
  return { header, kvs, more, count };
}
