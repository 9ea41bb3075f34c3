import { assert, assertionFailed } from '../util/assert.js';

/** Every limit of the store. Each one, when reached, produces a coded StoreError. */
export interface StoreOptions {
  /** Largest key accepted by put, range, delete and compare. */
  readonly keyBytesMax: number;
  /** Largest value accepted by put; Kubernetes objects are capped at 1.5 MiB. */
  readonly valueBytesMax: number;
  /** Most compares, success ops or failure ops in one txn (etcd's --max-txn-ops). */
  readonly txnOpsMax: number;
  /** Quota on the bytes held in revision history, like etcd's --quota-backend-bytes. */
  readonly historyBytesMax: number;
  /** Most live leases. */
  readonly leasesMax: number;
  /** Longest TTL a lease may be granted (etcd's MaxLeaseTTL). */
  readonly leaseTtlSecondsMax: number;
  /** Shorter TTLs are raised to this, as etcd raises them to its minimum lease TTL. */
  readonly leaseTtlSecondsMin: number;
  /** Most events a paused watcher may hold before it is cancelled as too slow. */
  readonly watchBufferEventsMax: number;
  /** Most events read from history into one catch-up response (whole revisions are never split). */
  readonly watchCatchUpEventsMax: number;
  /** Most watchers registered at once. */
  readonly watchersMax: number;
}

export const defaultStoreOptions: StoreOptions = Object.freeze({
  keyBytesMax: 32 * 1024,
  valueBytesMax: 1.5 * 1024 * 1024,
  txnOpsMax: 128,
  historyBytesMax: 2 * 1024 * 1024 * 1024,
  leasesMax: 1_000_000,
  leaseTtlSecondsMax: 9_000_000_000,
  leaseTtlSecondsMin: 1,
  watchBufferEventsMax: 4096,
  watchCatchUpEventsMax: 1000,
  watchersMax: 100_000,
});

export function resolveStoreOptions(overrides: Partial<StoreOptions> = {}): StoreOptions {
  const options: StoreOptions = { ...defaultStoreOptions, ...overrides };
  for (const [name, value] of Object.entries(options)) {
    if (!(Number.isSafeInteger(value) && value > 0)) assertionFailed(`store option ${name} must be a positive integer`);
  }
  assert(options.leaseTtlSecondsMin <= options.leaseTtlSecondsMax, 'leaseTtlSecondsMin > leaseTtlSecondsMax');
  return Object.freeze(options);
}
