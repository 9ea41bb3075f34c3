import { intervalContains, type KeyInterval } from './bytes.js';
import type { WatchResponse } from './requests.js';
import type { Event } from './types.js';
import type { KeyedEvent } from './write-txn.js';

/**
 * Receives a watcher's responses synchronously. Returning false pauses the watcher (the
 * response itself is taken), as a stream's write() returning false: the consumer calls
 * WatchHub.resume() once it has room again.
 */
export type WatchListener = (response: WatchResponse) => boolean | void;

export interface PendingBatch {
  readonly revision: number;
  readonly events: Event[];
}

/**
 * One watcher's state. It is *synced* when it has been given (or buffered) every revision
 * up to the store's current one, and then receives live commits; otherwise it is behind and
 * catches up by reading history from `nextRevision`, holding nothing but that cursor.
 */
export class Watcher {
  /** The first revision not yet delivered or buffered. */
  nextRevision: number;
  paused = true;
  canceled = false;
  pumping = false;
  pending: PendingBatch[] = [];
  pendingEvents = 0;

  constructor(
    readonly id: number,
    readonly interval: KeyInterval,
    readonly filters: { readonly noPut: boolean; readonly noDelete: boolean; readonly prevKv: boolean },
    readonly listener: WatchListener,
    startRevision: number,
  ) {
    this.nextRevision = startRevision;
  }

  /** The events of one revision this watcher wants, shaped for it. */
  select(events: readonly KeyedEvent[]): Event[] {
    const selected: Event[] = [];
    for (const { key, event } of events) {
      if (event.type === 'PUT' && this.filters.noPut) continue;
      if (event.type === 'DELETE' && this.filters.noDelete) continue;
      if (!intervalContains(this.interval, key)) continue;
      selected.push(this.filters.prevKv || event.prevKv === undefined ? event : { type: event.type, kv: event.kv });
    }
    return selected;
  }
}
