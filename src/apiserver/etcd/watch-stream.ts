import type { KvStore, WatchHandle, WithHeader } from '../../peer/kv-store.js';
import { isStoreError, type WatchCreateRequest, type WatchResponse } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import type { JsonFields } from './json-fields.js';
import type { ResultStream } from './result-stream.js';
import { decodeWatchRequest, watchResponseOut, type WatchResponseOut } from './watch-codec.js';

export interface WatchStreamOptions {
  readonly store: KvStore;
  readonly logger: Logger;
  /** How often a watcher created with progress_notify gets a progress notification (etcd: 10 min). */
  readonly progressNotifyIntervalMs: number;
  /** Told of each watcher started and stopped (the watchers gauge). */
  readonly onWatchersChange?: (delta: number) => void;
}

interface StreamWatcher {
  readonly handle: WatchHandle;
  paused: boolean;
  progressTimer?: NodeJS.Timeout;
}

/**
 * One /v3/watch call: etcd's bidirectional Watch stream over HTTP. Watch ids are the
 * stream's own, from 0, as each etcd stream numbers its watchers. Back-pressure: when the
 * socket is full the store pauses the watcher (it buffers a bounded number of events and
 * cancels the watcher with a reason beyond that); 'drain' resumes it.
 */
export class WatchStream {
  private readonly watchers = new Map<number, StreamWatcher>();
  private watchIdNext = 0;

  constructor(
    private readonly out: ResultStream,
    private readonly options: WatchStreamOptions,
  ) {
    out.onDrain(() => this.resumePaused());
  }

  handle(fields: JsonFields): void {
    const message = decodeWatchRequest(fields);
    if (message.kind === 'create') this.create(message.request, message.progressNotify);
    else if (message.kind === 'cancel') this.cancelByClient(message.watchId);
    else if (message.kind === 'progress') this.progressAll();
  }

  /** The client went away or the server is closing: stop every watcher. */
  close(): void {
    for (const watchId of [...this.watchers.keys()]) this.remove(watchId);
  }

  private create(request: WatchCreateRequest, progressNotify: boolean): void {
    const watchId = this.watchIdNext++;
    let handle: WatchHandle;
    try {
      handle = this.options.store.watch(request, (response) => this.deliver(watchId, response));
    } catch (error) {
      this.refuse(watchId, error);
      return;
    }
    const watcher: StreamWatcher = { handle, paused: false };
    this.watchers.set(watchId, watcher);
    this.options.onWatchersChange?.(1);
    if (progressNotify) {
      watcher.progressTimer = setInterval(() => handle.requestProgress(), this.options.progressNotifyIntervalMs);
      watcher.progressTimer.unref();
    }
    this.send({ header: handle.header, watchId, created: true });
    handle.start();
  }

  /** etcd creates the watcher, then cancels it at once: a compacted start revision is not a request error. */
  private refuse(watchId: number, error: unknown): void {
    const header = this.options.store.status().header;
    this.send({ header, watchId, created: true });
    if (isStoreError(error, 'STORE_COMPACTED')) {
      const compactRevision = Number(error.details['compactRevision'] ?? 0);
      this.send({ header, watchId, canceled: true, compactRevision, headerWithoutRevision: true });
      return;
    }
    this.send({ header, watchId, canceled: true, cancelReason: error instanceof Error ? error.message : String(error) });
  }

  /**
   * The store's listener, called inside the peer's apply loop: it must never throw there.
   * Returns false to pause delivery while the socket is full.
   */
  private deliver(watchId: number, response: WithHeader<WatchResponse>): boolean {
    try {
      return this.deliverOrThrow(watchId, response);
    } catch (error) {
      this.options.logger.error({ err: error, watchId }, 'watch delivery failed; cancelling the watcher');
      this.remove(watchId, !response.canceled);
      return false;
    }
  }

  private deliverOrThrow(watchId: number, response: WithHeader<WatchResponse>): boolean {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return false;
    if (response.canceled) {
      this.remove(watchId, false);
      if (isStoreError(response.error, 'STORE_WATCH_SLOW')) this.options.logger.warn({ watchId, reason: response.cancelReason }, 'watch cancelled: slow reader');
      const compacted = response.compactRevision > 0;
      this.send({
        header: response.header,
        watchId,
        canceled: true,
        compactRevision: response.compactRevision,
        cancelReason: compacted ? '' : response.cancelReason,
        headerWithoutRevision: compacted,
      });
      return false;
    }
    const ok = this.send({ header: response.header, watchId, events: response.events });
    if (!ok) watcher.paused = true;
    return ok;
  }

  private cancelByClient(watchId: number): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return;
    this.remove(watchId);
    this.send({ header: this.options.store.status().header, watchId, canceled: true });
  }

  /**
   * etcd 3.4's progress request: one response with watch_id -1 and the current revision,
   * sent only when every watcher on the stream has all events up to it.
   */
  private progressAll(): void {
    if ([...this.watchers.values()].some((watcher) => watcher.paused)) return;
    this.send({ header: this.options.store.status().header, watchId: -1 });
  }

  private resumePaused(): void {
    for (const watcher of this.watchers.values()) {
      if (!watcher.paused) continue;
      watcher.paused = false;
      watcher.handle.start();
    }
  }

  private remove(watchId: number, cancelInStore = true): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return;
    this.watchers.delete(watchId);
    if (watcher.progressTimer !== undefined) clearInterval(watcher.progressTimer);
    if (cancelInStore) watcher.handle.cancel();
    this.options.onWatchersChange?.(-1);
  }

  private send(response: WatchResponseOut): boolean {
    return this.out.send(watchResponseOut(response));
  }
}
