import { assert } from '../util/assert.js';
import type { KeyString } from './bytes.js';
import { History, type HistoryEntry } from './history.js';
import { TreeIndex } from './tree-index.js';
import type { KeyValue } from './types.js';
import { ValueSlab } from './value-slab.js';
import type { KeyedEvent } from './write-txn.js';

/**
 * The replicated key-value state: index, history and the two revision counters.
 * An empty store is at revision 1, as etcd's; the first write makes revision 2.
 */
export class MvccState {
  readonly index = new TreeIndex();
  readonly history = new History();
  /** Where new values are copied (see ValueSlab). */
  readonly values = new ValueSlab();
  currentRevision = 1;
  compactRevision = 0;

  /** The key's KeyValue as of main revision `atMain`, if it existed then. */
  kvAt(key: KeyString, atMain: number): KeyValue | undefined {
    const revision = this.index.get(key, atMain);
    if (revision === undefined) return undefined;
    const entry = this.history.get(revision);
    assert(!entry.tombstone, 'key index resolved a read to a tombstone');
    return entry.kv;
  }

  latestKv(key: KeyString): KeyValue | undefined {
    const revision = this.index.latest(key);
    return revision === undefined ? undefined : this.history.get(revision).kv;
  }

  /**
   * The events of one revision, rebuilt from history. Only complete above the compact
   * revision. A key changes at most once per revision, so its previous value is its value
   * at the revision before.
   */
  eventsAt(main: number, withPrevKv: boolean): KeyedEvent[] {
    assert(main > this.compactRevision, 'events requested at a compacted revision');
    return this.history.entriesAt(main).map((entry) => this.eventOf(entry, main, withPrevKv));
  }

  private eventOf(entry: HistoryEntry, main: number, withPrevKv: boolean): KeyedEvent {
    const type = entry.tombstone ? 'DELETE' : 'PUT';
    const prevKv = withPrevKv ? this.kvAt(entry.key, main - 1) : undefined;
    const event = prevKv === undefined ? { type, kv: entry.kv } as const : { type, kv: entry.kv, prevKv } as const;
    return { key: entry.key, event };
  }
}
