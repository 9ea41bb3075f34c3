import {
  errEmptyKey,
  errInvalidRequest,
  errKeyTooLarge,
  errLeaseProvided,
  errTooManyOps,
  errValueProvided,
  errValueTooLarge,
} from './errors.js';
import { isLeaseId } from './lease-id.js';
import type { StoreOptions } from './options.js';
import type {
  Compare,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  TxnRequest,
} from './requests.js';
import { NO_LEASE } from './types.js';

/**
 * Checks that depend on the request alone, as etcd's v3rpc/key.go does before proposing.
 * Apply runs them again so that a request that reached the log by another path still fails
 * the same way on every peer.
 */

function checkNonNegativeInteger(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw errInvalidRequest(`${name} must be a non-negative integer`);
  }
}

export function checkKey(key: Uint8Array, options: StoreOptions): void {
  if (key.byteLength === 0) throw errEmptyKey();
  if (key.byteLength > options.keyBytesMax) throw errKeyTooLarge(key.byteLength, options.keyBytesMax);
}

function checkRangeEnd(rangeEnd: Uint8Array | undefined, options: StoreOptions): void {
  if (rangeEnd !== undefined && rangeEnd.byteLength > options.keyBytesMax) {
    throw errKeyTooLarge(rangeEnd.byteLength, options.keyBytesMax);
  }
}

export function checkRangeRequest(request: RangeRequest, options: StoreOptions): void {
  checkKey(request.key, options);
  checkRangeEnd(request.rangeEnd, options);
  checkNonNegativeInteger(request.limit, 'limit');
  checkNonNegativeInteger(request.revision, 'revision');
  checkNonNegativeInteger(request.minModRevision, 'minModRevision');
  checkNonNegativeInteger(request.maxModRevision, 'maxModRevision');
  checkNonNegativeInteger(request.minCreateRevision, 'minCreateRevision');
  checkNonNegativeInteger(request.maxCreateRevision, 'maxCreateRevision');
}

export function checkPutRequest(request: PutRequest, options: StoreOptions): void {
  checkKey(request.key, options);
  const valueBytes = request.value?.byteLength ?? 0;
  if (valueBytes > options.valueBytesMax) throw errValueTooLarge(valueBytes, options.valueBytesMax);
  if (request.lease !== undefined && !isLeaseId(request.lease)) throw errInvalidRequest('lease must be an int64 decimal');
  if (request.ignoreValue === true && valueBytes !== 0) throw errValueProvided();
  if (request.ignoreLease === true && (request.lease ?? NO_LEASE) !== NO_LEASE) throw errLeaseProvided();
}

export function checkDeleteRangeRequest(request: DeleteRangeRequest, options: StoreOptions): void {
  checkKey(request.key, options);
  checkRangeEnd(request.rangeEnd, options);
}

function checkCompare(compare: Compare, options: StoreOptions): void {
  if (compare.key.byteLength === 0) throw errEmptyKey();
  if (compare.key.byteLength > options.keyBytesMax) throw errKeyTooLarge(compare.key.byteLength, options.keyBytesMax);
  checkRangeEnd(compare.rangeEnd, options);
  if (compare.lease !== undefined && !isLeaseId(compare.lease)) throw errInvalidRequest('compare lease must be an int64 decimal');
}

export function checkRequestOp(op: RequestOp, options: StoreOptions, opsMax = options.txnOpsMax): void {
  if ('requestRange' in op) checkRangeRequest(op.requestRange, options);
  else if ('requestPut' in op) checkPutRequest(op.requestPut, options);
  else if ('requestDeleteRange' in op) checkDeleteRangeRequest(op.requestDeleteRange, options);
  else checkTxnRequest(op.requestTxn, options, opsMax);
}

/**
 * etcd's checkTxnRequest: each list within the op limit, compares name a key, every nested
 * request valid. A nested txn gets what its parent's longest list leaves of the limit, so
 * nesting is bounded too (etcd refuses 128 levels of one op each).
 */
export function checkTxnRequest(request: TxnRequest, options: StoreOptions, opsMax = options.txnOpsMax): void {
  const compare = request.compare ?? [];
  const success = request.success ?? [];
  const failure = request.failure ?? [];
  const opsCount = Math.max(compare.length, success.length, failure.length);
  if (opsCount > opsMax) throw errTooManyOps(opsCount, opsMax);
  for (const item of compare) checkCompare(item, options);
  for (const op of success) checkRequestOp(op, options, opsMax - opsCount);
  for (const op of failure) checkRequestOp(op, options, opsMax - opsCount);
}
