import { assert, assertionFailed } from '../util/assert.js';
import type { KeyValue, Revision } from './types.js';
import { HistoryColumns } from './history-columns.js';

/**
 * One change is the key's full KeyValue at a revision, or its tombstone: the KeyValue of a
 * delete, version 0 (as etcd's).
 */
export type HistoryEntry = KeyValue;

export function isTombstone(kv: KeyValue): boolean {
  return kv.version === 0;
}

/** Fixed bytes charged per entry on top of key and value, for the quota. */
export const HISTORY_ENTRY_OVERHEAD_BYTES = 64;

export function historyEntryBytes(keyBytes: number, valueBytes: number): number {
  return keyBytes + valueBytes + HISTORY_ENTRY_OVERHEAD_BYTES;
}

/**
 * Every change in revision order (etcd keeps the same in its backend, keyed by {main,
 * sub}), held as columns (HistoryColumns): no object per change. Above the compact
 * revision every change is here, which is what lets watchers catch up; at or below it
 * only the entries a key index still points at remain. A lookup by revision is a binary
 * search over the main revisions.
 *
 * Removals (compaction) are gathered and applied at the next access, all at once: the
 * remaining entries are copied into new columns, so columns handed out by ordered()
 * before the removal stay whole, and a new identity marks the broken history.
 */
export class History {
  private columns = new HistoryColumns();
  /** Positions removed since the columns were built (1 = removed); dropped at the next access. */
  private removed: Uint8Array | undefined;
  private bytesTotal = 0;

  get bytes(): number {
    return this.bytesTotal;
  }

  append(revision: Revision, entry: HistoryEntry): void {
    const columns = this.settled();
    const { main, sub } = revision;
    const last = columns.length - 1;
    if (last >= 0) {
      const lastMain = columns.mains[last] as number;
      assert(main >= lastMain, 'history entries must be appended in revision order');
      // Restored revisions may have holes at compacted sub-revisions.
      assert(main > lastMain || sub > (columns.subs[last] as number), 'sub-revisions must grow within a revision');
    }
    columns.push(main, sub, entry);
    this.bytesTotal += historyEntryBytes(entry.key.byteLength, entry.value.byteLength);
  }

  get(revision: Revision): HistoryEntry {
    const columns = this.settled();
    const at = columns.find(revision.main, revision.sub);
    if (at < 0) assertionFailed(`no history entry at ${revision.main}.${revision.sub}`);
    return columns.entry(at);
  }

  remove(revision: Revision): void {
    const at = this.columns.find(revision.main, revision.sub);
    assert(at >= 0, 'removing a missing history entry');
    this.removed ??= new Uint8Array(this.columns.length);
    assert(this.removed[at] === 0, 'removing a missing history entry');
    this.removed[at] = 1;
    this.bytesTotal -= historyEntryBytes((this.columns.keys[at] as Uint8Array).byteLength, this.columns.valueSizes[at] as number);
  }

  /** The changes of one main revision in sub order; complete above the compact revision. */
  entriesAt(main: number): HistoryEntry[] {
    const columns = this.settled();
    const entries: HistoryEntry[] = [];
    for (let at = columns.firstAtOrAfter(main); at < columns.length && columns.mains[at] === main; at++) {
      entries.push(columns.entry(at));
    }
    return entries;
  }

  /**
   * Every remaining entry in revision order, as columns that later appends extend and
   * nothing else changes (but repacking, which keeps the bytes): a caller may keep them
   * with a length. After a removal the next call returns new columns (so the identity of
   * the result marks an unbroken history).
   */
  ordered(): HistoryColumns {
    return this.settled();
  }

  /** Every remaining entry in revision order. */
  *entries(): Generator<{ readonly revision: Revision; readonly entry: HistoryEntry }> {
    const columns = this.settled();
    const count = columns.length;
    for (let at = 0; at < count; at++) {
      yield { revision: { main: columns.mains[at] as number, sub: columns.subs[at] as number }, entry: columns.entry(at) };
    }
  }

  /** The columns with the removed positions dropped. */
  private settled(): HistoryColumns {
    const drop = this.removed;
    if (drop === undefined) return this.columns;
    const kept = new HistoryColumns();
    for (let at = 0; at < this.columns.length; at++) if (drop[at] === 0) kept.pushFrom(this.columns, at);
    this.columns = kept;
    this.removed = undefined;
    return kept;
  }
}
