import { assert } from '../util/assert.js';
import type { KeyString } from './bytes.js';
import type { KeyValue, Revision } from './types.js';
import type { OrderedHistory } from './encoded-history.js';

/** One change: a key's full KeyValue at a revision, or its tombstone. */
export interface HistoryEntry {
  readonly key: KeyString;
  readonly kv: KeyValue;
  readonly tombstone: boolean;
}

/** Fixed bytes charged per entry on top of key and value, for the quota. */
export const HISTORY_ENTRY_OVERHEAD_BYTES = 64;

export function historyEntryBytes(keyBytes: number, valueBytes: number): number {
  return keyBytes + valueBytes + HISTORY_ENTRY_OVERHEAD_BYTES;
}

/**
 * Every change, keyed by revision (etcd keeps the same in its backend, keyed by
 * {main, sub}). One record per main revision holds its changes in sub-revision order.
 * Above the compact revision every record is complete, which is what lets watchers catch
 * up; at or below it only the entries a key index still points at remain.
 * Records are inserted in revision order and never reordered, so Map order is revision order.
 */
export class History {
  private readonly records = new Map<number, (HistoryEntry | undefined)[]>();
  private liveCounts = new Map<number, number>();
  private bytesTotal = 0;
  private lastMain = 0;
  /** Every entry in revision order, kept as appended; rebuilt after a removal (compaction). */
  private order: { mains: number[]; subs: number[]; entries: HistoryEntry[] } | undefined = { mains: [], subs: [], entries: [] };

  get bytes(): number {
    return this.bytesTotal;
  }

  append(revision: Revision, entry: HistoryEntry): void {
    let record = this.records.get(revision.main);
    if (record === undefined) {
      assert(revision.main > this.lastMain, 'history records must be appended in revision order');
      record = [];
      this.records.set(revision.main, record);
      this.lastMain = revision.main;
    }
    // Restored records may have holes at compacted sub-revisions.
    assert(revision.sub >= record.length, 'sub-revisions must grow within a record');
    record[revision.sub] = entry;
    if (this.order !== undefined) {
      this.order.mains.push(revision.main);
      this.order.subs.push(revision.sub);
      this.order.entries.push(entry);
    }
    this.liveCounts.set(revision.main, (this.liveCounts.get(revision.main) ?? 0) + 1);
    this.bytesTotal += historyEntryBytes(entry.kv.key.byteLength, entry.kv.value.byteLength);
  }

  get(revision: Revision): HistoryEntry {
    const entry = this.records.get(revision.main)?.[revision.sub];
    assert(entry !== undefined, `no history entry at ${revision.main}.${revision.sub}`);
    return entry;
  }

  remove(revision: Revision): void {
    const record = this.records.get(revision.main);
    const entry = record?.[revision.sub];
    assert(record !== undefined && entry !== undefined, 'removing a missing history entry');
    record[revision.sub] = undefined;
    this.order = undefined;
    this.bytesTotal -= historyEntryBytes(entry.kv.key.byteLength, entry.kv.value.byteLength);
    const live = (this.liveCounts.get(revision.main) as number) - 1;
    if (live > 0) {
      this.liveCounts.set(revision.main, live);
    } else {
      this.liveCounts.delete(revision.main);
      this.records.delete(revision.main);
    }
  }

  /** The changes of one main revision in sub order; complete above the compact revision. */
  entriesAt(main: number): readonly HistoryEntry[] {
    const record = this.records.get(main);
    if (record === undefined) return [];
    return record.filter((entry): entry is HistoryEntry => entry !== undefined);
  }

  /**
   * Every remaining entry in revision order, as parallel arrays that later appends extend
   * and nothing else changes: a caller may keep them with a length. After a removal the
   * next call builds new arrays (so the identity of the result marks an unbroken history).
   */
  ordered(): OrderedHistory {
    if (this.order === undefined) {
      const order = { mains: [] as number[], subs: [] as number[], entries: [] as HistoryEntry[] };
      this.collect(order.mains, order.subs, order.entries);
      this.order = order;
    }
    return this.order;
  }

  /** Every remaining entry in revision order, into parallel arrays: no object per entry. */
  collect(mains: number[], subs: number[], entries: HistoryEntry[]): void {
    for (const [main, record] of this.records) {
      for (let sub = 0; sub < record.length; sub++) {
        const entry = record[sub];
        if (entry === undefined) continue;
        mains.push(main);
        subs.push(sub);
        entries.push(entry);
      }
    }
  }

  /** Every remaining entry in revision order. */
  *entries(): Generator<{ readonly revision: Revision; readonly entry: HistoryEntry }> {
    for (const [main, record] of this.records) {
      for (let sub = 0; sub < record.length; sub++) {
        const entry = record[sub];
        if (entry !== undefined) yield { revision: { main, sub }, entry };
      }
    }
  }
}
