import { EMPTY_BYTES, compareBytes, keyInterval } from './bytes.js';
import { compareLeaseIds } from './lease-id.js';
import type { MvccState } from './mvcc-state.js';
import type { Compare } from './requests.js';
import { NO_LEASE, type KeyValue } from './types.js';

const ABSENT_KV: KeyValue = {
  key: EMPTY_BYTES,
  createRevision: 0,
  modRevision: 0,
  version: 0,
  value: EMPTY_BYTES,
  lease: NO_LEASE,
};

function targetOrder(compare: Compare, kv: KeyValue): number {
  switch (compare.target) {
    case 'VALUE':
      return compareBytes(kv.value, compare.value ?? EMPTY_BYTES);
    case 'VERSION':
      return Math.sign(kv.version - (compare.version ?? 0));
    case 'CREATE':
      return Math.sign(kv.createRevision - (compare.createRevision ?? 0));
    case 'MOD':
      return Math.sign(kv.modRevision - (compare.modRevision ?? 0));
    case 'LEASE':
      return Math.sign(compareLeaseIds(kv.lease, compare.lease ?? NO_LEASE));
  }
}

function compareKv(compare: Compare, kv: KeyValue): boolean {
  const order = targetOrder(compare, kv);
  switch (compare.result) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER':
      return order > 0;
    case 'LESS':
      return order < 0;
  }
}

/**
 * etcd's applyCompare: true when every key in the compare's range satisfies it. A range
 * with no keys compares as one absent key with zero version and revisions, except that a
 * VALUE compare on absent keys always fails (an absent value cannot be told from empty).
 */
export function applyCompare(state: MvccState, compare: Compare, atMain: number): boolean {
  let matched = false;
  for (const { revision } of state.index.range(keyInterval(compare.key, compare.rangeEnd), atMain)) {
    matched = true;
    if (!compareKv(compare, state.history.get(revision))) return false;
  }
  if (matched) return true;
  if (compare.target === 'VALUE') return false;
  return compareKv(compare, ABSENT_KV);
}
