import { RaftplaneError } from '../util/errors.js';

/**
 * Operating errors of the store. Messages follow etcd's wording (rpctypes/error.go and
 * mvcc/kvstore.go) so that the etcd gateway can pass them through unchanged.
 */
export type StoreErrorCode =
  | 'STORE_COMPACTED'
  | 'STORE_FUTURE_REVISION'
  | 'STORE_EMPTY_KEY'
  | 'STORE_KEY_NOT_FOUND'
  | 'STORE_VALUE_PROVIDED'
  | 'STORE_LEASE_PROVIDED'
  | 'STORE_DUPLICATE_KEY'
  | 'STORE_TOO_MANY_OPS'
  | 'STORE_KEY_TOO_LARGE'
  | 'STORE_VALUE_TOO_LARGE'
  | 'STORE_NO_SPACE'
  | 'STORE_INVALID_REQUEST'
  | 'STORE_LEASE_NOT_FOUND'
  | 'STORE_LEASE_EXISTS'
  | 'STORE_LEASE_TTL_TOO_LARGE'
  | 'STORE_TOO_MANY_LEASES'
  | 'STORE_WATCH_SLOW'
  | 'STORE_WATCH_LISTENER_FAILED'
  | 'STORE_WATCH_NOT_FOUND'
  | 'STORE_TOO_MANY_WATCHERS'
  | 'STORE_SNAPSHOT_INVALID'
  | 'STORE_OP_INVALID';

export class StoreError extends RaftplaneError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'StoreError';
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  if (!(error instanceof StoreError)) return false;
  return code === undefined || error.code === code;
}

export const errCompacted = (compactRevision: number, requestedRevision: number): StoreError =>
  new StoreError('STORE_COMPACTED', 'mvcc: required revision has been compacted', {
    compactRevision,
    requestedRevision,
  });

export const errFutureRevision = (currentRevision: number, requestedRevision: number): StoreError =>
  new StoreError('STORE_FUTURE_REVISION', 'mvcc: required revision is a future revision', {
    currentRevision,
    requestedRevision,
  });

export const errEmptyKey = (): StoreError =>
  new StoreError('STORE_EMPTY_KEY', 'etcdserver: key is not provided');

export const errKeyNotFound = (): StoreError =>
  new StoreError('STORE_KEY_NOT_FOUND', 'etcdserver: key not found');

export const errValueProvided = (): StoreError =>
  new StoreError('STORE_VALUE_PROVIDED', 'etcdserver: value is provided');

export const errLeaseProvided = (): StoreError =>
  new StoreError('STORE_LEASE_PROVIDED', 'etcdserver: lease is provided');

export const errDuplicateKey = (): StoreError =>
  new StoreError('STORE_DUPLICATE_KEY', 'etcdserver: duplicate key given in txn request');

export const errTooManyOps = (opsCount: number, txnOpsMax: number): StoreError =>
  new StoreError('STORE_TOO_MANY_OPS', 'etcdserver: too many operations in txn request', {
    opsCount,
    txnOpsMax,
  });

export const errKeyTooLarge = (keyBytes: number, keyBytesMax: number): StoreError =>
  new StoreError('STORE_KEY_TOO_LARGE', 'etcdserver: request is too large', { keyBytes, keyBytesMax });

export const errValueTooLarge = (valueBytes: number, valueBytesMax: number): StoreError =>
  new StoreError('STORE_VALUE_TOO_LARGE', 'etcdserver: request is too large', {
    valueBytes,
    valueBytesMax,
  });

export const errNoSpace = (historyBytes: number, historyBytesMax: number): StoreError =>
  new StoreError('STORE_NO_SPACE', 'etcdserver: mvcc: database space exceeded', {
    historyBytes,
    historyBytesMax,
  });

export const errInvalidRequest = (reason: string): StoreError =>
  new StoreError('STORE_INVALID_REQUEST', `etcdserver: invalid request: ${reason}`, { reason });

export const errLeaseNotFound = (leaseId: string): StoreError =>
  new StoreError('STORE_LEASE_NOT_FOUND', 'etcdserver: requested lease not found', { leaseId });

export const errLeaseExists = (leaseId: string): StoreError =>
  new StoreError('STORE_LEASE_EXISTS', 'etcdserver: lease already exists', { leaseId });

export const errLeaseTtlTooLarge = (ttlSeconds: number, leaseTtlSecondsMax: number): StoreError =>
  new StoreError('STORE_LEASE_TTL_TOO_LARGE', 'etcdserver: too large lease TTL', {
    ttlSeconds,
    leaseTtlSecondsMax,
  });

export const errTooManyLeases = (leasesMax: number): StoreError =>
  new StoreError('STORE_TOO_MANY_LEASES', 'etcdserver: too many leases', { leasesMax });
