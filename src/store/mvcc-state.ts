import { assert } from '../util/assert.js';
import { toKeyString, type KeyString } from './bytes.js';
import { History, isTombstone } from './history.js';
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
    const kv = this.history.get(revision);
    assert(!isTombstone(kv), 'key index resolved a read to a tombstone');
    return kv;
  }

  latestKv(key: KeyString): KeyValue | undefined {
    const revision = this.index.latest(key);
    return revision === undefined ? undefined : this.history.get(revision);
  }

  /**
   * The events of one revision, rebuilt from history. Only complete above the compact
   * revision. A key changes at most once per revision, so its previous value is its value
   * at the revision before.
   */
  eventsAt(main: number, withPrevKv: boolean): KeyedEvent[] {
    assert(main > this.compactRevision, 'events requested at a compacted revision');
    return this.history.entriesAt(main).map((kv) => this.eventOf(kv, main, withPrevKv));
  }

  private eventOf(kv: KeyValue, main: number, withPrevKv: boolean): KeyedEvent {
    const key = toKeyString(kv.key);
    const type = isTombstone(kv) ? 'DELETE' : 'PUT';
    const prevKv = withPrevKv ? this.kvAt(key, main - 1) : undefined;
    const event = prevKv === undefined ? { type, kv } as const : { type, kv, prevKv } as const;
    return { key, event };
  }
}
