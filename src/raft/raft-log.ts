import { assert, assertionFailed } from '../util/assert.js';
import { limitSize } from './entry-limits.js';
import { isRaftplaneError } from '../util/errors.js';
import { UnstableLog } from './log-unstable.js';
import type { MemoryStorage } from './memory-storage.js';
import type { Entry, Snapshot } from './types.js';

/**
 * The node's whole log: the persisted part (storage) followed by the unstable tail.
 * Invariant: applied <= committed <= lastIndex, and firstIndex - 1 <= applied.
 */
export class RaftLog {
  readonly storage: MemoryStorage;
  readonly unstable: UnstableLog;
  committed: number;
  applied: number;

  constructor(storage: MemoryStorage, applied: number) {
    this.storage = storage;
    this.unstable = new UnstableLog(storage.lastIndex() + 1);
    const snapshotIndex = storage.firstIndex() - 1;
    this.committed = snapshotIndex;
    this.applied = snapshotIndex;
    if (applied > 0) this.appliedTo(applied);
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index the application has persisted: before the unstable entries. */
  persistedLastIndex(): number {
    return this.unstable.entries.length > 0 ? this.unstable.offset - 1 : this.lastIndex();
  }

  lastTerm(): number {
    const term = this.term(this.lastIndex());
    assert(term !== undefined, 'the last entry always has a term');
    return term;
  }

  /** The term of the entry at `index`, or undefined if compacted away or beyond the end. */
  term(index: number): number | undefined {
    const dummyIndex = this.firstIndex() - 1;
    if (index < dummyIndex || index > this.lastIndex()) return undefined;
    const unstableTerm = this.unstable.maybeTerm(index);
    if (unstableTerm !== undefined) return unstableTerm;
    try {
      return this.storage.term(index);
    } catch (error) {
      if (isRaftplaneError(error, 'RAFT_COMPACTED') || isRaftplaneError(error, 'RAFT_UNAVAILABLE')) return undefined;
      throw error;
    }
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * §5.3 AppendEntries receiver: if our log has (prevIndex, prevTerm), append the new
   * entries, truncating only at the first real conflict. Returns the index of the
   * last new entry, or undefined if the consistency check fails.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, entries: readonly Entry[], truncateOnlyOnConflict: boolean): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    if (truncateOnlyOnConflict) {
      const conflict = this.findConflict(entries);
      if (conflict !== 0) {
        if (!(conflict > this.committed)) assertionFailed(`entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
        this.append(entries.slice(conflict - (prevIndex + 1)));
      }
    } else {
      // Planted bug (simulation only): treat a stale append as authoritative for
      // the whole tail and drop what follows it, though nothing conflicts.
      const conflict = this.findConflict(entries);
      if (conflict !== 0) this.append(entries.slice(conflict - (prevIndex + 1)));
      if (this.lastIndex() > lastNew && lastNew > this.committed) {
        const boundary = this.slice(lastNew, lastNew + 1);
        if (boundary !== undefined && boundary.length === 1) this.unstable.truncateAndAppend(boundary);
      }
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Appends at the end of the unstable tail (which may replace part of it). Returns the new last index. */
  append(entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex();
    const after = (entries[0] as Entry).index - 1;
    if (!(after >= this.committed)) assertionFailed(`append after ${after} would overwrite committed ${this.committed}`);
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /** The index of the first entry that is new or conflicts with ours; 0 if all are already present. */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * Fast backtracking: the largest index <= `index` whose term is <= `term`, with its
   * term. A follower answers a rejected append with this so the leader can skip a
   * whole term of conflicting entries in one round trip.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    for (;;) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
      i--;
    }
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (!(index <= this.lastIndex())) assertionFailed(`commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    if (!(index <= this.committed && index >= this.applied - 0)) assertionFailed(`applied ${index} out of range [${this.applied}, ${this.committed}]`);
    this.applied = index;
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > this.applied && this.unstable.snapshot === undefined;
  }

  nextCommittedEntries(maxBytes: number): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    const lo = Math.max(this.applied + 1, this.firstIndex());
    return this.slice(lo, this.committed + 1, maxBytes) ?? [];
  }

  /** Entries in [lo, hi) within maxBytes, or undefined if lo was compacted away. */
  slice(lo: number, hi: number, maxBytes = Infinity): Entry[] | undefined {
    if (lo >= hi) return [];
    if (lo < this.firstIndex()) return undefined;
    if (!(hi <= this.lastIndex() + 1)) assertionFailed(`slice [${lo}, ${hi}) beyond last index ${this.lastIndex()}`);
    let result: Entry[] = [];
    const unstableStart = this.unstable.offset;
    if (lo < unstableStart) {
      try {
        result = this.storage.entries(lo, Math.min(hi, unstableStart), maxBytes);
      } catch (error) {
        if (isRaftplaneError(error, 'RAFT_COMPACTED')) return undefined;
        throw error;
      }
      if (result.length < Math.min(hi, unstableStart) - lo) return result; // byte limit reached
    }
    if (hi > unstableStart) {
      const tail = this.unstable.slice(Math.max(lo, unstableStart), hi);
      result = result.length > 0 ? result.concat(tail) : tail;
    }
    return limitSize(result, maxBytes);
  }

  /** Entries from `index` to the end, within maxBytes; undefined if compacted. */
  entriesFrom(index: number, maxBytes: number): Entry[] | undefined {
    if (index > this.lastIndex()) return [];
    return this.slice(index, this.lastIndex() + 1, maxBytes);
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  restore(snapshot: Snapshot): void {
    this.committed = snapshot.meta.index;
    this.unstable.restore(snapshot);
  }
}
