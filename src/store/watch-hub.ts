import { AssertionError, assert } from '../util/assert.js';
import { keyInterval } from './bytes.js';
import { StoreError, errCompacted, errInvalidRequest } from './errors.js';
import type { MvccStore, StoreObserver } from './mvcc-store.js';
import type { StoreOptions } from './options.js';
import type { WatchCreateRequest, WatchResponse } from './requests.js';
import type { Event } from './types.js';
import { Watcher, type WatchListener } from './watcher.js';
import type { Commit } from './write-txn.js';

export interface WatchCreated {
  readonly watchId: number;
  /** The first revision the watcher will deliver. */
  readonly startRevision: number;
  /** The store's revision when the watcher was made (etcd's created response header). */
  readonly revision: number;
}

export interface WatcherStatus {
  readonly nextRevision: number;
  readonly paused: boolean;
  readonly synced: boolean;
  readonly pendingEvents: number;
}

/**
 * Delivers committed changes to watchers, synchronously and without timers. Guarantees:
 * ordered (by revision, then sub-revision), unique (each revision at most once), atomic
 * (a revision's events always in one response), reliable (no gap between startRevision and
 * the present: history first, then live), resumable (watch again from the last revision
 * seen + 1), and progress notifications for watchers that have everything.
 *
 * Watchers start paused, so the caller can send its "created" response before any event:
 * call resume() to start delivery. A paused watcher that is current buffers live events up
 * to watchBufferEventsMax and is cancelled beyond that; one that is behind holds only its
 * cursor and catches up from history when resumed, unless compaction overtakes it.
 */
export class WatchHub implements StoreObserver {
  private readonly watchers = new Map<number, Watcher>();
  private watchIdNext = 1;
  private listenerDepth = 0;

  constructor(
    private readonly store: MvccStore,
    private readonly options: StoreOptions,
  ) {
    store.observe(this);
  }

  get watchersCount(): number {
    return this.watchers.size;
  }

  watch(request: WatchCreateRequest, listener: WatchListener): WatchCreated {
    if (this.watchers.size >= this.options.watchersMax) {
      throw new StoreError('STORE_TOO_MANY_WATCHERS', 'etcdserver: too many watchers', {
        watchersMax: this.options.watchersMax,
      });
    }
    const revision = this.store.revision;
    const startRevision = request.startRevision || revision + 1;
    if (!Number.isSafeInteger(startRevision) || startRevision < 0) {
      throw errInvalidRequest('start revision must be a non-negative integer');
    }
    // Stricter than etcd, which accepts start == compact revision but may then miss a
    // deletion at that revision: we only promise what history still holds completely.
    if (startRevision <= this.store.compactRevision) throw errCompacted(this.store.compactRevision, startRevision);
    const filters = {
      noPut: request.filters?.includes('NOPUT') ?? false,
      noDelete: request.filters?.includes('NODELETE') ?? false,
      prevKv: request.prevKv ?? false,
    };
    const watchId = this.watchIdNext++;
    const interval = keyInterval(request.key, request.rangeEnd);
    this.watchers.set(watchId, new Watcher(watchId, interval, filters, listener, startRevision));
    return { watchId, startRevision, revision };
  }

  /** Starts or restarts delivery; delivers what is buffered or behind right away. */
  resume(watchId: number): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) throw notFound(watchId);
    watcher.paused = false;
    this.pump(watcher);
  }

  pause(watchId: number): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) throw notFound(watchId);
    watcher.paused = true;
  }

  /** Cancels on the caller's request; no response is delivered. */
  cancel(watchId: number): boolean {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return false;
    watcher.canceled = true;
    this.watchers.delete(watchId);
    return true;
  }

  /**
   * Bookmarks: tells each running, current watcher the store's revision, promising it has
   * every event up to it. Watchers that are paused or behind get nothing (the promise
   * would be false).
   */
  progress(watchIds?: readonly number[]): void {
    const revision = this.store.revision;
    for (const watcher of this.snapshotOf(watchIds)) {
      if (watcher.canceled || watcher.paused || watcher.pending.length > 0) continue;
      if (watcher.nextRevision <= revision) continue;
      this.deliver(watcher, []);
    }
  }

  status(watchId: number): WatcherStatus | undefined {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return undefined;
    return {
      nextRevision: watcher.nextRevision,
      paused: watcher.paused,
      synced: watcher.nextRevision > this.store.revision,
      pendingEvents: watcher.pendingEvents,
    };
  }

  onCommit(commit: Commit): void {
    assert(this.listenerDepth === 0, 'the store was written from inside a watch listener');
    for (const watcher of this.snapshotOf()) {
      // Behind (reads history later) or starting later: nothing to do now.
      if (watcher.canceled || watcher.nextRevision !== commit.revision) continue;
      watcher.nextRevision = commit.revision + 1;
      const events = watcher.select(commit.events);
      if (events.length === 0) continue;
      if (watcher.paused || watcher.pumping || watcher.pending.length > 0) {
        this.buffer(watcher, commit.revision, events);
      } else {
        this.deliver(watcher, events);
      }
    }
  }

  onCompact(compactRevision: number): void {
    for (const watcher of this.snapshotOf()) {
      if (watcher.pending.length === 0 && watcher.nextRevision <= compactRevision) {
        this.cancelCompacted(watcher, compactRevision);
      }
    }
  }

  /** After a snapshot install, buffered events are dropped and re-read from the new history. */
  onRestore(): void {
    const { compactRevision } = this.store;
    for (const watcher of this.snapshotOf()) {
      const firstPending = watcher.pending[0];
      if (firstPending !== undefined) watcher.nextRevision = firstPending.revision;
      watcher.pending = [];
      watcher.pendingEvents = 0;
      if (watcher.nextRevision <= compactRevision) this.cancelCompacted(watcher, compactRevision);
      else this.pump(watcher);
    }
  }

  private pump(watcher: Watcher): void {
    if (watcher.pumping) return;
    watcher.pumping = true;
    try {
      while (!watcher.paused && !watcher.canceled) {
        if (watcher.pending.length > 0) {
          this.deliver(watcher, this.takePending(watcher));
        } else if (watcher.nextRevision <= this.store.revision) {
          const events = this.readHistory(watcher);
          if (events.length > 0) this.deliver(watcher, events);
        } else {
          return;
        }
      }
    } finally {
      watcher.pumping = false;
    }
  }

  /** Whole revisions from history, starting at the cursor, up to the catch-up chunk size. */
  private readHistory(watcher: Watcher): Event[] {
    const { state } = this.store;
    assert(watcher.nextRevision > state.compactRevision, 'catching up from compacted history');
    const events: Event[] = [];
    while (watcher.nextRevision <= state.currentRevision && events.length < this.options.watchCatchUpEventsMax) {
      events.push(...watcher.select(state.eventsAt(watcher.nextRevision, watcher.filters.prevKv)));
      watcher.nextRevision++;
    }
    return events;
  }

  private takePending(watcher: Watcher): Event[] {
    const events: Event[] = [];
    while (watcher.pending.length > 0 && events.length < this.options.watchCatchUpEventsMax) {
      const batch = watcher.pending.shift() as (typeof watcher.pending)[number];
      events.push(...batch.events);
      watcher.pendingEvents -= batch.events.length;
    }
    return events;
  }

  private buffer(watcher: Watcher, revision: number, events: Event[]): void {
    watcher.pending.push({ revision, events });
    watcher.pendingEvents += events.length;
    if (watcher.pendingEvents <= this.options.watchBufferEventsMax) return;
    const error = new StoreError(
      'STORE_WATCH_SLOW',
      `watcher fell behind: more than ${this.options.watchBufferEventsMax} events buffered`,
      { watchId: watcher.id, pendingEvents: watcher.pendingEvents, watchBufferEventsMax: this.options.watchBufferEventsMax },
    );
    this.cancelWith(watcher, { cancelReason: error.message, compactRevision: 0, error });
  }

  private cancelCompacted(watcher: Watcher, compactRevision: number): void {
    const error = errCompacted(compactRevision, watcher.nextRevision);
    this.cancelWith(watcher, { cancelReason: error.message, compactRevision, error });
  }

  private cancelWith(
    watcher: Watcher,
    reason: { cancelReason: string; compactRevision: number; error: StoreError },
  ): void {
    this.cancel(watcher.id);
    watcher.pending = [];
    watcher.pendingEvents = 0;
    this.call(watcher, { header: { revision: this.store.revision }, watchId: watcher.id, events: [], canceled: true, ...reason });
  }

  private deliver(watcher: Watcher, events: Event[]): void {
    const response: WatchResponse = {
      header: { revision: this.store.revision },
      watchId: watcher.id,
      events,
      canceled: false,
      cancelReason: '',
      compactRevision: 0,
    };
    if (this.call(watcher, response) === false) watcher.paused = true;
  }

  /**
   * Hands a response to a watcher's listener. A listener that throws is the consumer's
   * bug, not the store's: the watcher is cancelled (its listener told once more, with
   * STORE_WATCH_LISTENER_FAILED, and anything that throws then is dropped), and the commit
   * that was being delivered goes on to the other watchers. Letting the error through
   * would fail the apply of a committed entry and stop the peer. A broken invariant of the
   * store itself (an AssertionError: say, a listener that writes to the store) still
   * crashes, as every AssertionError does.
   */
  private call(watcher: Watcher, response: WatchResponse): boolean | void {
    this.listenerDepth++;
    try {
      return watcher.listener(response);
    } catch (thrown) {
      if (thrown instanceof AssertionError) throw thrown;
      if (!response.canceled) this.listenerFailed(watcher, thrown);
      return false;
    } finally {
      this.listenerDepth--;
    }
  }

  private listenerFailed(watcher: Watcher, thrown: unknown): void {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const error = new StoreError('STORE_WATCH_LISTENER_FAILED', `watch ${watcher.id} cancelled: its listener failed: ${message}`, {
      watchId: watcher.id,
      cause: message,
    });
    this.cancelWith(watcher, { cancelReason: error.message, compactRevision: 0, error });
  }

  private snapshotOf(watchIds?: readonly number[]): Watcher[] {
    if (watchIds === undefined) return [...this.watchers.values()];
    return watchIds.map((id) => this.watchers.get(id)).filter((watcher): watcher is Watcher => watcher !== undefined);
  }
}

function notFound(watchId: number): StoreError {
  return new StoreError('STORE_WATCH_NOT_FOUND', `watch ${watchId} does not exist`, { watchId });
}
