import { assert } from '../util/assert.js';
import type { KeyString } from './bytes.js';
import { errLeaseExists, errLeaseNotFound, errLeaseTtlTooLarge, errTooManyLeases } from './errors.js';
import { compareLeaseIds } from './lease-id.js';
import type { StoreOptions } from './options.js';
import type { LeaseId } from './types.js';

export interface Lease {
  readonly id: LeaseId;
  /** TTL as granted (after raising to the minimum). */
  readonly ttlSeconds: number;
  /**
   * When the lease expires, in the leader's logical milliseconds. The store never reads a
   * clock: every op that moves a deadline carries the `nowMs` the leader proposed.
   */
  deadlineMs: number;
  readonly keys: Set<KeyString>;
}

export interface LeaseRecord {
  readonly id: LeaseId;
  readonly ttlSeconds: number;
  readonly deadlineMs: number;
}

/**
 * The leases and the keys attached to them (etcd's lessor without its timers). Expiry is
 * decided outside: the leader lists expired leases and proposes their revocation.
 */
export class LeaseTable {
  private readonly leases = new Map<LeaseId, Lease>();
  private idNext = 1n;

  constructor(private readonly options: StoreOptions) {}

  get size(): number {
    return this.leases.size;
  }

  /** The next id the table would choose for a grant that names none. */
  get nextAutoId(): string {
    return this.idNext.toString();
  }

  get(id: LeaseId): Lease | undefined {
    return this.leases.get(id);
  }

  has(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  grant(requestedId: LeaseId, ttlSeconds: number, nowMs: number): Lease {
    if (ttlSeconds > this.options.leaseTtlSecondsMax) {
      throw errLeaseTtlTooLarge(ttlSeconds, this.options.leaseTtlSecondsMax);
    }
    if (requestedId !== '0' && this.leases.has(requestedId)) throw errLeaseExists(requestedId);
    if (this.leases.size >= this.options.leasesMax) throw errTooManyLeases(this.options.leasesMax);
    const id = requestedId === '0' ? this.chooseId() : requestedId;
    const grantedSeconds = Math.max(ttlSeconds, this.options.leaseTtlSecondsMin);
    const lease: Lease = { id, ttlSeconds: grantedSeconds, deadlineMs: nowMs + grantedSeconds * 1000, keys: new Set() };
    this.leases.set(id, lease);
    return lease;
  }

  keepAlive(id: LeaseId, nowMs: number): Lease {
    const lease = this.leases.get(id);
    if (lease === undefined) throw errLeaseNotFound(id);
    lease.deadlineMs = nowMs + lease.ttlSeconds * 1000;
    return lease;
  }

  /**
   * What a new leader does before it starts expiring leases (etcd's Promote): give every
   * lease a full TTL from now plus `extendMs`, since the old leader's deadlines were set on
   * another clock and keep-alives may have been lost in the election.
   */
  promote(nowMs: number, extendMs: number): void {
    for (const lease of this.leases.values()) lease.deadlineMs = nowMs + lease.ttlSeconds * 1000 + extendMs;
  }

  /** Removes a lease whose keys the caller has already deleted. */
  remove(id: LeaseId): void {
    const lease = this.leases.get(id);
    assert(lease !== undefined, 'removing an unknown lease');
    assert(lease.keys.size === 0, 'removing a lease that still has keys');
    this.leases.delete(id);
  }

  attach(id: LeaseId, key: KeyString): void {
    const lease = this.leases.get(id);
    assert(lease !== undefined, 'attaching a key to an unknown lease');
    lease.keys.add(key);
  }

  detach(id: LeaseId, key: KeyString): void {
    const lease = this.leases.get(id);
    assert(lease !== undefined && lease.keys.has(key), 'detaching a key that is not attached');
    lease.keys.delete(key);
  }

  /** Leases whose deadline is at or before nowMs, earliest first, at most `limit`. */
  expired(nowMs: number, limit: number): LeaseId[] {
    const due: Lease[] = [];
    for (const lease of this.leases.values()) if (lease.deadlineMs <= nowMs) due.push(lease);
    due.sort((a, b) => a.deadlineMs - b.deadlineMs || compareLeaseIds(a.id, b.id));
    return due.slice(0, limit).map((lease) => lease.id);
  }

  /** Every lease in id order, for listing and snapshots. */
  records(): LeaseRecord[] {
    return [...this.leases.values()]
      .sort((a, b) => compareLeaseIds(a.id, b.id))
      .map(({ id, ttlSeconds, deadlineMs }) => ({ id, ttlSeconds, deadlineMs }));
  }

  restore(records: readonly LeaseRecord[], nextAutoId: string): void {
    this.leases.clear();
    for (const { id, ttlSeconds, deadlineMs } of records) {
      this.leases.set(id, { id, ttlSeconds, deadlineMs, keys: new Set() });
    }
    this.idNext = BigInt(nextAutoId);
  }

  private chooseId(): LeaseId {
    while (this.leases.has(this.idNext.toString())) this.idNext++;
    const id = this.idNext.toString();
    this.idNext++;
    return id;
  }
}
