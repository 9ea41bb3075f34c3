import { NO_LEASE, type LeaseId } from './types.js';

const INT64_MAX = 2n ** 63n - 1n;
const CANONICAL_DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

/** A canonical non-negative int64 in decimal: the only spelling of a lease id the store keeps. */
export function isLeaseId(value: unknown): value is LeaseId {
  return typeof value === 'string' && CANONICAL_DECIMAL.test(value) && BigInt(value) <= INT64_MAX;
}

export function compareLeaseIds(a: LeaseId, b: LeaseId): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hasLease(id: LeaseId | undefined): id is LeaseId {
  return id !== undefined && id !== NO_LEASE;
}
