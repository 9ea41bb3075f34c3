import { assert } from '../util/assert.js';
import { EMPTY_BYTES, type KeyInterval, type KeyString } from './bytes.js';
import { hasLease } from './lease-id.js';
import type { LeaseTable } from './lease-table.js';
import type { MvccState } from './mvcc-state.js';
import { NO_LEASE, type Event, type KeyValue, type LeaseId } from './types.js';

/** An event with its key in internal form, so watchers can match it without converting. */
export interface KeyedEvent {
  readonly key: KeyString;
  readonly event: Event;
}

export interface Commit {
  readonly revision: number;
  /** In sub-revision order; each carries its prevKv, watchers drop it if not asked for. */
  readonly events: readonly KeyedEvent[];
}

/**
 * The changes of one main revision (etcd's storeTxnWrite). Each change takes the next
 * sub-revision and is visible at once to reads in the same txn; end() advances the store's
 * revision only if something changed. Callers check every request before the first write,
 * so a WriteTxn never has to roll back.
 */
export class WriteTxn {
  readonly main: number;
  private readonly events: KeyedEvent[] = [];
  private readonly changedKeys = new Set<KeyString>();
  private ended = false;

  constructor(
    private readonly state: MvccState,
    private readonly leases: LeaseTable,
  ) {
    this.main = state.currentRevision + 1;
  }

  /** The revision reads see: the txn's own revision once it has written. */
  get readRevision(): number {
    return this.events.length > 0 ? this.main : this.main - 1;
  }

  get changesCount(): number {
    return this.events.length;
  }

  put(key: KeyString, keyBytes: Uint8Array, value: Uint8Array, lease: LeaseId): KeyValue | undefined {
    const prevKv = this.state.latestKv(key);
    const kv: KeyValue = {
      key: keyBytes,
      createRevision: prevKv === undefined ? this.main : prevKv.createRevision,
      modRevision: this.main,
      version: prevKv === undefined ? 1 : prevKv.version + 1,
      value,
      lease,
    };
    const revision = this.nextRevision(key);
    this.state.history.append(revision, kv);
    this.state.index.put(key, revision);
    if (prevKv !== undefined && hasLease(prevKv.lease)) this.leases.detach(prevKv.lease, key);
    if (hasLease(lease)) this.leases.attach(lease, key);
    this.events.push({ key, event: prevKv === undefined ? { type: 'PUT', kv } : { type: 'PUT', kv, prevKv } });
    return prevKv;
  }

  /** Deletes the keys in the interval that exist now; returns their last values in key order. */
  deleteRange(interval: KeyInterval): KeyValue[] {
    const keys = [...this.state.index.range(interval, this.readRevision)].map((indexed) => indexed.key);
    return keys.map((key) => this.deleteKey(key));
  }

  deleteKey(key: KeyString): KeyValue {
    const prevKv = this.state.latestKv(key);
    assert(prevKv !== undefined, 'deleting a key that does not exist');
    const kv: KeyValue = {
      key: prevKv.key,
      createRevision: 0,
      modRevision: this.main,
      version: 0,
      value: EMPTY_BYTES,
      lease: NO_LEASE,
    };
    const revision = this.nextRevision(key);
    this.state.history.append(revision, kv);
    this.state.index.tombstone(key, revision);
    if (hasLease(prevKv.lease)) this.leases.detach(prevKv.lease, key);
    this.events.push({ key, event: { type: 'DELETE', kv, prevKv } });
    return prevKv;
  }

  end(): Commit | undefined {
    assert(!this.ended, 'write txn ended twice');
    this.ended = true;
    if (this.events.length === 0) return undefined;
    this.state.currentRevision = this.main;
    return { revision: this.main, events: this.events };
  }

  private nextRevision(key: KeyString): { main: number; sub: number } {
    assert(!this.ended, 'write after the txn ended');
    // The duplicate-key rule guarantees one change per key per revision; prevKv lookups
    // in history rely on it.
    assert(!this.changedKeys.has(key), 'a key changed twice in one revision');
    this.changedKeys.add(key);
    return { main: this.main, sub: this.events.length };
  }
}
