import { errInvalidRequest, errLeaseNotFound } from './errors.js';
import { compareLeaseIds, isLeaseId } from './lease-id.js';
import type { LeaseTable } from './lease-table.js';
import type { MvccStore } from './mvcc-store.js';
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from './requests.js';
import type { LeaseId } from './types.js';
import { fromKeyString } from './bytes.js';

/** Lease operations that touch both the lease table and the key-value store. */
export class LeaseOps {
  constructor(
    private readonly store: MvccStore,
    private readonly leases: LeaseTable,
  ) {}

  grant(request: LeaseGrantRequest, nowMs: number): LeaseGrantResponse {
    checkNowMs(nowMs);
    if (!Number.isSafeInteger(request.ttl)) throw errInvalidRequest('ttl must be an integer');
    const id = request.id ?? '0';
    checkLeaseId(id);
    const lease = this.leases.grant(id, request.ttl, nowMs);
    return { header: { revision: this.store.revision }, id: lease.id, ttl: lease.ttlSeconds };
  }

  /** Deletes every attached key in one revision (in key order, as etcd), then the lease. */
  revoke(id: LeaseId): LeaseRevokeResponse {
    checkLeaseId(id);
    const lease = this.leases.get(id);
    if (lease === undefined) throw errLeaseNotFound(id);
    const keys = [...lease.keys].sort();
    this.store.deleteKeys(keys);
    this.leases.remove(id);
    return { header: { revision: this.store.revision } };
  }

  keepAlive(id: LeaseId, nowMs: number): LeaseKeepAliveResponse {
    checkNowMs(nowMs);
    checkLeaseId(id);
    const lease = this.leases.keepAlive(id, nowMs);
    return { header: { revision: this.store.revision }, id, ttl: lease.ttlSeconds };
  }

  promote(nowMs: number, extendMs: number): { header: { revision: number } } {
    checkNowMs(nowMs);
    if (!Number.isSafeInteger(extendMs) || extendMs < 0) throw errInvalidRequest('extendMs must be a non-negative integer');
    this.leases.promote(nowMs, extendMs);
    return { header: { revision: this.store.revision } };
  }

  /** Remaining whole seconds as of nowMs; -1 when the lease does not exist, as etcd. */
  timeToLive(request: LeaseTimeToLiveRequest, nowMs: number): LeaseTimeToLiveResponse {
    const header = { revision: this.store.revision };
    const lease = this.leases.get(request.id);
    if (lease === undefined) return { header, id: request.id, ttl: -1, grantedTtl: 0, keys: [] };
    const ttl = Math.max(0, Math.floor((lease.deadlineMs - nowMs) / 1000));
    const keys = request.keys === true ? [...lease.keys].sort().map(fromKeyString) : [];
    return { header, id: lease.id, ttl, grantedTtl: lease.ttlSeconds, keys };
  }

  list(): LeaseLeasesResponse {
    const leases = this.leases
      .records()
      .sort((a, b) => compareLeaseIds(a.id, b.id))
      .map(({ id }) => ({ id }));
    return { header: { revision: this.store.revision }, leases };
  }
}

function checkNowMs(nowMs: number): void {
  if (!Number.isSafeInteger(nowMs)) throw errInvalidRequest('nowMs must be an integer');
}

function checkLeaseId(id: LeaseId): void {
  if (!isLeaseId(id)) throw errInvalidRequest('lease id must be an int64 decimal');
}
