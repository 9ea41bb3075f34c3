import { assert } from '../util/assert.js';
import { EMPTY_BYTES, copyBytes, keyInterval, toKeyString } from './bytes.js';
import { errKeyNotFound, errLeaseNotFound } from './errors.js';
import { historyEntryBytes } from './history.js';
import { hasLease } from './lease-id.js';
import type { LeaseTable } from './lease-table.js';
import type { MvccState } from './mvcc-state.js';
import type { DeleteRangeRequest, DeleteRangeResponse, PutRequest, PutResponse } from './requests.js';
import { NO_LEASE, type ResponseHeader } from './types.js';
import type { WriteTxn } from './write-txn.js';

/** etcd's checkRequestPut: what a put needs from the state, checked before any write. */
export function checkPutAgainstState(state: MvccState, leases: LeaseTable, request: PutRequest): void {
  if (request.ignoreValue === true || request.ignoreLease === true) {
    if (state.latestKv(toKeyString(request.key)) === undefined) throw errKeyNotFound();
  }
  if (hasLease(request.lease) && !leases.has(request.lease)) throw errLeaseNotFound(request.lease);
}

/** Bytes a put adds to history, for the quota. */
export function putCostBytes(state: MvccState, request: PutRequest): number {
  const valueBytes =
    request.ignoreValue === true
      ? (state.latestKv(toKeyString(request.key))?.value.byteLength ?? 0)
      : (request.value?.byteLength ?? 0);
  return historyEntryBytes(request.key.byteLength, valueBytes);
}

export function executePut(
  txn: WriteTxn,
  state: MvccState,
  request: PutRequest,
  header: ResponseHeader,
): PutResponse {
  const key = toKeyString(request.key);
  const current = state.latestKv(key);
  const keeps = request.ignoreValue === true || request.ignoreLease === true;
  assert(!keeps || current !== undefined, 'ignore_value/ignore_lease put on a missing key passed its check');
  const value = request.ignoreValue === true ? (current?.value ?? EMPTY_BYTES) : state.values.copy(request.value ?? EMPTY_BYTES);
  const lease = request.ignoreLease === true ? (current?.lease ?? NO_LEASE) : (request.lease ?? NO_LEASE);
  const prevKv = txn.put(key, current?.key ?? copyBytes(request.key), value, lease);
  return request.prevKv === true && prevKv !== undefined ? { header, prevKv } : { header };
}

export function executeDeleteRange(
  txn: WriteTxn,
  request: DeleteRangeRequest,
  header: ResponseHeader,
): DeleteRangeResponse {
  const prevKvs = txn.deleteRange(keyInterval(request.key, request.rangeEnd));
  return { header, deleted: prevKvs.length, prevKvs: request.prevKv === true ? prevKvs : [] };
}
