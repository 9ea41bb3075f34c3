import { assert, assertionFailed } from '../util/assert.js';
import type { KeyValue, Revision } from './types.js';
import type { OrderedHistory } from './encoded-history.js';

/**
 * One change is the key's full KeyValue at a revision, or its tombstone: the KeyValue of a
 * delete, version 0 (as etcd's). The KeyValue is the whole entry, with no wrapper object.
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

/** A main revision's changes: the entry itself when it is one change at sub 0 (most are). */
type HistoryRecord = HistoryEntry | (HistoryEntry | undefined)[];

/** Main revisions per page: a page's Map never holds more, so no insert rehashes more. */
const PAGE_MAINS = 4096;

/**
 * Every change, keyed by revision (etcd keeps the same in its backend, keyed by
 * {main, sub}). One record per main revision holds its changes in sub-revision order.
 * Above the compact revision every record is complete, which is what lets watchers catch
 * up; at or below it only the entries a key index still points at remain.
 *
 * Records live in pages of PAGE_MAINS revisions, each page a Map. One Map of every
 * revision would be rebuilt whole each time it doubles: 20 ms at 262,144 revisions and
 * 40 ms at 524,288, in one append, on the path of every write. A record of one change is
 * the entry itself, not an array around it: fewer objects for the garbage collector to
 * trace on every major GC, and the history is most of a peer's heap.
 * Records are inserted in revision order and never reordered, so Map order is revision
 * order, for the pages and within each.
 */
export class History {
  private readonly pages = new Map<number, Map<number, HistoryRecord>>();
  private bytesTotal = 0;
  private lastMain = 0;
  /** Every entry in revision order, kept as appended; rebuilt after a removal (compaction). */
  private order: { mains: number[]; subs: number[]; entries: HistoryEntry[] } | undefined = { mains: [], subs: [], entries: [] };

  get bytes(): number {
    return this.bytesTotal;
  }

  append(revision: Revision, entry: HistoryEntry): void {
    const { main, sub } = revision;
    const page = this.pageOf(main, true);
    const record = page.get(main);
    if (record === undefined) {
      assert(main > this.lastMain, 'history records must be appended in revision order');
      this.lastMain = main;
      // Restored records may have holes at compacted sub-revisions.
      if (sub === 0) {
        page.set(main, entry);
      } else {
        const entries: (HistoryEntry | undefined)[] = [];
        entries[sub] = entry;
        page.set(main, entries);
      }
    } else {
      const entries = changesOf(record);
      assert(sub >= entries.length, 'sub-revisions must grow within a record');
      entries[sub] = entry;
      page.set(main, entries);
    }
    if (this.order !== undefined) {
      this.order.mains.push(main);
      this.order.subs.push(sub);
      this.order.entries.push(entry);
    }
    this.bytesTotal += historyEntryBytes(entry.key.byteLength, entry.value.byteLength);
  }

  get(revision: Revision): HistoryEntry {
    const entry = entryAt(this.pageOf(revision.main, false)?.get(revision.main), revision.sub);
    if (entry === undefined) assertionFailed(`no history entry at ${revision.main}.${revision.sub}`);
    return entry;
  }

  remove(revision: Revision): void {
    const { main, sub } = revision;
    const page = this.pageOf(main, false);
    const record = page?.get(main);
    const entry = entryAt(record, sub);
    assert(page !== undefined && record !== undefined && entry !== undefined, 'removing a missing history entry');
    this.order = undefined;
    this.bytesTotal -= historyEntryBytes(entry.key.byteLength, entry.value.byteLength);
    if (Array.isArray(record)) {
      record[sub] = undefined;
      if (record.some((held) => held !== undefined)) return;
    }
    page.delete(main);
    if (page.size === 0) this.pages.delete(pageNumber(main));
  }

  /** The changes of one main revision in sub order; complete above the compact revision. */
  entriesAt(main: number): readonly HistoryEntry[] {
    const record = this.pageOf(main, false)?.get(main);
    if (record === undefined) return [];
    return changesOf(record).filter((entry): entry is HistoryEntry => entry !== undefined);
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
  private collect(mains: number[], subs: number[], entries: HistoryEntry[]): void {
    for (const page of this.pages.values()) {
      for (const [main, record] of page) {
        if (!Array.isArray(record)) {
          mains.push(main);
          subs.push(0);
          entries.push(record);
          continue;
        }
        for (let sub = 0; sub < record.length; sub++) {
          const entry = record[sub];
          if (entry === undefined) continue;
          mains.push(main);
          subs.push(sub);
          entries.push(entry);
        }
      }
    }
  }

  /** Every remaining entry in revision order. */
  *entries(): Generator<{ readonly revision: Revision; readonly entry: HistoryEntry }> {
    const { mains, subs, entries } = this.ordered();
    for (let i = 0; i < entries.length; i++) yield { revision: { main: mains[i]!, sub: subs[i]! }, entry: entries[i]! };
  }

  private pageOf(main: number, create: true): Map<number, HistoryRecord>;
  private pageOf(main: number, create: false): Map<number, HistoryRecord> | undefined;
  private pageOf(main: number, create: boolean): Map<number, HistoryRecord> | undefined {
    const number = pageNumber(main);
    let page = this.pages.get(number);
    if (page === undefined && create) {
      page = new Map();
      this.pages.set(number, page);
    }
    return page;
  }
}

function pageNumber(main: number): number {
  return Math.floor(main / PAGE_MAINS);
}

/** A record's changes by sub-revision (holes where compacted): a single change as [it]. */
function changesOf(record: HistoryRecord): (HistoryEntry | undefined)[] {
  return Array.isArray(record) ? record : [record];
}

/** On every read, so without changesOf's array. */
function entryAt(record: HistoryRecord | undefined, sub: number): HistoryEntry | undefined {
  if (record === undefined) return undefined;
  if (Array.isArray(record)) return record[sub];
  return sub === 0 ? record : undefined;
}
