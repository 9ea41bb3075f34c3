import { NO_LEASE, type LeaseId } from './types.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const CANONICAL_DECIMAL = /^(0|-?[1-9][0-9]{0,18})$/;

/**
 * A canonical int64 in decimal: the only spelling of a lease id the store keeps. Ids the
 * store grants are positive; a client may name any int64, as etcd allows (a put with
 * lease -1 is refused because no such lease exists, not because of its sign).
 */
export function isLeaseId(value: unknown): value is LeaseId {
  if (typeof value !== 'string' || !CANONICAL_DECIMAL.test(value)) return false;
  const id = BigInt(value);
  return id >= INT64_MIN && id <= INT64_MAX;
}

/** Numeric order of two canonical ids, without BigInt: sign, then length, then digits. */
export function compareLeaseIds(a: LeaseId, b: LeaseId): number {
  const aNegative = a.charCodeAt(0) === 45; // '-'
  const bNegative = b.charCodeAt(0) === 45;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const magnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return aNegative ? -magnitude : magnitude;
}

export function hasLease(id: LeaseId | undefined): id is LeaseId {
  return id !== undefined && id !== NO_LEASE;
}
