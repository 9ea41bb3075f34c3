import { assert } from '../util/assert.js';
import { StoreError, isStoreError } from './errors.js';
import { LeaseOps } from './lease-ops.js';
import { LeaseTable } from './lease-table.js';
import { MvccStore } from './mvcc-store.js';
import type { ApplyResult, StoreOp, StoreOpType, StoreResponseMap } from './ops.js';
import { resolveStoreOptions, type StoreOptions } from './options.js';
import type {
  LeaseLeasesResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  RangeRequest,
  RangeResponse,
  WatchCreateRequest,
} from './requests.js';
import { captureSnapshot, decodeSnapshot, encodeSnapshot, encodeSnapshotParts } from './snapshot.js';
import { EncodedHistory } from './encoded-history.js';
import { hashBytes, hashKv, type HashKvResult } from './state-hash.js';
import { hasLease } from './lease-id.js';
import type { LeaseId } from './types.js';
import { WatchHub, type WatchCreated } from './watch-hub.js';
import type { WatchListener } from './watcher.js';

/**
 * The state machine every peer applies committed entries to: the MVCC key-value store,
 * its leases and its watch hub. apply() is the only way replicated state changes; reads,
 * watches and the expiry listing do not change it.
 */
export class StoreStateMachine {
  readonly options: StoreOptions;
  readonly kv: MvccStore;
  readonly watches: WatchHub;
  private readonly leases: LeaseTable;
  private readonly leaseOps: LeaseOps;
  /** The history's snapshot encoding, extended ahead of snapshots (see encodeAhead). */
  private encoded: EncodedHistory | undefined;
  /** A snapshot is extending `encoded` to its own view: encodeAhead must not go past it. */
  private encoding = false;

  constructor(options: Partial<StoreOptions> = {}) {
    this.options = resolveStoreOptions(options);
    this.leases = new LeaseTable(this.options);
    this.kv = new MvccStore(this.options, this.leases);
    this.watches = new WatchHub(this.kv, this.options);
    this.leaseOps = new LeaseOps(this.kv, this.leases);
  }

  get revision(): number {
    return this.kv.revision;
  }

  get compactRevision(): number {
    return this.kv.compactRevision;
  }

  apply<Type extends StoreOpType>(op: StoreOp & { readonly type: Type }): ApplyResult<Type> {
    try {
      const response = this.execute(op) as StoreResponseMap[Type];
      return { ok: true, type: op.type, response };
    } catch (error) {
      // Only operating errors are results; a broken invariant must crash the peer.
      if (!isStoreError(error)) throw error;
      return { ok: false, type: op.type, error, header: { revision: this.revision } };
    }
  }

  /** A local (serializable) read; linearizable reads wait for the read index first. */
  range(request: RangeRequest): RangeResponse {
    return this.kv.range(request);
  }

  watch(request: WatchCreateRequest, listener: WatchListener): WatchCreated {
    return this.watches.watch(request, listener);
  }

  leaseTimeToLive(request: LeaseTimeToLiveRequest, nowMs: number): LeaseTimeToLiveResponse {
    return this.leaseOps.timeToLive(request, nowMs);
  }

  leaseLeases(): LeaseLeasesResponse {
    return this.leaseOps.list();
  }

  /** For the leader: leases past their deadline at nowMs, earliest first, to propose revoking. */
  expiredLeases(nowMs: number, limit: number): LeaseId[] {
    assert(Number.isSafeInteger(limit) && limit > 0, 'expiredLeases limit must be a positive integer');
    return this.leases.expired(nowMs, limit);
  }

  snapshot(): Uint8Array {
    return encodeSnapshot(this.kv.state, this.leases.records(), this.leases.nextAutoId);
  }

  /**
   * The image as of the call, as a list of parts that are never joined: only the history
   * entries not yet encoded (by encodeAhead or an earlier image) are encoded now, and the
   * history's encoded parts are kept for the next image (no copy of the image is made here
   * at all). The caller joins them only if it needs the bytes in one buffer.
   */
  async snapshotParts(frame?: (imageBytes: number) => Uint8Array): Promise<{ parts: Uint8Array[]; byteLength: number }> {
    const view = captureSnapshot(this.kv.state, this.leases.records(), this.leases.nextAutoId);
    this.encoding = true;
    try {
      const built = await encodeSnapshotParts(view, this.encoded, frame);
      this.encoded = built.history;
      return { parts: built.parts, byteLength: built.byteLength };
    } finally {
      this.encoding = false;
    }
  }

  /**
   * A bounded piece of snapshot work done ahead of time: encodes up to maxEntries history
   * entries added since the last call, once at least minEntries are waiting, so that a
   * snapshot finds most of its history encoded instead of encoding it all at once. Bytes
   * encoded stay valid until the history is compacted or replaced.
   */
  encodeAhead(maxEntries = 2000, minEntries = 256): void {
    if (this.encoding) return;
    const order = this.kv.state.history.ordered();
    const { compactRevision } = this.kv.state;
    if (this.encoded?.continues(order, compactRevision, order.length) !== true) this.encoded = new EncodedHistory(order, compactRevision);
    if (order.length - this.encoded.count >= minEntries) this.encoded.extend(maxEntries, order.length);
  }

  /** Replaces the whole state with a snapshot's; watchers re-read from the new history. */
  restore(bytes: Uint8Array): void {
    const decoded = decodeSnapshot(bytes);
    const leaseIds = new Set(decoded.leases.map((lease) => lease.id));
    const attachments: { lease: LeaseId; key: string }[] = [];
    const everyKey = { low: '', high: undefined, single: false } as const;
    for (const { key, revision } of decoded.state.index.range(everyKey, decoded.state.currentRevision)) {
      const { lease } = decoded.state.history.get(revision);
      if (!hasLease(lease)) continue;
      if (!leaseIds.has(lease)) {
        throw new StoreError('STORE_SNAPSHOT_INVALID', 'store snapshot is invalid: a key names a missing lease', { lease });
      }
      attachments.push({ lease, key });
    }
    this.leases.restore(decoded.leases, decoded.leaseIdNext);
    for (const { lease, key } of attachments) this.leases.attach(lease, key);
    this.kv.replaceState(decoded.state);
    this.encoded = undefined;
  }

  /** A digest of the whole replicated state. */
  hash(): string {
    return hashBytes(this.snapshot());
  }

  hashKv(revision = this.revision): HashKvResult {
    return hashKv(this.kv.state, revision);
  }

  private execute(op: StoreOp): StoreResponseMap[StoreOpType] {
    switch (op.type) {
      case 'range':
        return this.kv.range(op.request);
      case 'put':
        return this.kv.put(op.request);
      case 'deleteRange':
        return this.kv.deleteRange(op.request);
      case 'txn':
        return this.kv.txn(op.request);
      case 'compact':
        return this.kv.compact(op.request);
      case 'leaseGrant':
        return this.leaseOps.grant(op.request, op.nowMs);
      case 'leaseRevoke':
        return this.leaseOps.revoke(op.request.id);
      case 'leaseKeepAlive':
        return this.leaseOps.keepAlive(op.request.id, op.nowMs);
      case 'leasePromote':
        return this.leaseOps.promote(op.nowMs, op.extendMs);
    }
  }
}
