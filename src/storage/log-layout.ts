import { assert, assertionFailed } from '../util/assert.js';
import type { Entry, HardState, Snapshot, SnapshotMeta } from '../raft/types.js';
import { EMPTY_HARD_STATE } from '../raft/types.js';
import type { DurableState, DurableUpdate } from './durable-log.js';
import { StorageError } from './storage-error.js';

/** A change to the durable log, in the order a batch must apply it. */
export type LayoutOp =
  | { readonly kind: 'delete-entries'; readonly fromIndex: number; readonly toIndex: number }
  | { readonly kind: 'put-entry'; readonly entry: Entry }
  | { readonly kind: 'put-hard-state'; readonly hardState: HardState }
  | { readonly kind: 'put-snapshot'; readonly snapshot: Snapshot };

/**
 * The shape of the persisted log without its payloads: snapshot position, the
 * term of every persisted entry, the hard state. Both implementations plan
 * their batches through it, so the truncation and snapshot rules live once.
 *
 * Invariant: persisted entries are exactly snapshotIndex+1 .. lastIndex.
 */
export class LogLayout {
  private snapshotIndex = 0;
  private snapshotTerm = 0;
  /** terms[i] is the term of entry snapshotIndex + 1 + i. */
  private terms: number[] = [];
  private hard: HardState = EMPTY_HARD_STATE;

  /** Checks a recovered state; a violated invariant means the disk lost or mangled data. */
  static fromRecovered(state: DurableState): LogLayout {
    const layout = new LogLayout();
    if (state.snapshot !== null) {
      layout.snapshotIndex = state.snapshot.meta.index;
      layout.snapshotTerm = state.snapshot.meta.term;
    }
    let expectedIndex = layout.snapshotIndex + 1;
    let previousTerm = layout.snapshotTerm;
    for (const entry of state.entries) {
      if (entry.index !== expectedIndex || entry.term < previousTerm) {
        throw new StorageError('STORAGE_CORRUPT', `log is not contiguous at index ${expectedIndex}`, {
          expectedIndex,
          foundIndex: entry.index,
          foundTerm: entry.term,
          previousTerm,
        });
      }
      layout.terms.push(entry.term);
      expectedIndex += 1;
      previousTerm = entry.term;
    }
    layout.hard = state.hardState;
    if (layout.hard.commit > layout.lastIndex) {
      throw new StorageError('STORAGE_CORRUPT', 'hard state commits past the end of the log', {
        commit: layout.hard.commit,
        lastIndex: layout.lastIndex,
      });
    }
    return layout;
  }

  get firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  get lastIndex(): number {
    return this.snapshotIndex + this.terms.length;
  }

  get snapshotMetaIndex(): number {
    return this.snapshotIndex;
  }

  /** The term at index, or undefined when the index is neither the snapshot's nor persisted. */
  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.firstIndex || index > this.lastIndex) return undefined;
    return this.terms[index - this.firstIndex];
  }

  /**
   * Applies one update to the layout and returns the ops that make the disk
   * match it. Violations of the Ready contract are programmer errors.
   */
  plan(update: DurableUpdate): LayoutOp[] {
    const ops: LayoutOp[] = [];
    if (update.snapshot !== undefined) this.planSnapshot(update.snapshot.meta, ops, update.snapshot);
    if (update.entries !== undefined) this.planEntries(update.entries, ops);
    if (update.hardState !== undefined) this.planHardState(update.hardState, ops);
    if (!(this.hard.commit <= this.lastIndex)) {
      assertionFailed(`commit ${this.hard.commit} is past the last persisted index ${this.lastIndex}`);
    }
    return ops;
  }

  /** Drops entries <= throughIndex; returns the range removed, if any. */
  planCompact(throughIndex: number): LayoutOp[] {
    assert(Number.isSafeInteger(throughIndex) && throughIndex >= 0, 'compact index must be an integer >= 0');
    if (!(throughIndex <= this.snapshotIndex)) {
      assertionFailed(`compact(${throughIndex}) would drop entries not covered by the snapshot at ${this.snapshotIndex}`);
    }
    // Entries at or below the snapshot index are never persisted (see planSnapshot),
    // so there is nothing to drop; the op list stays empty.
    return [];
  }

  private planSnapshot(meta: SnapshotMeta, ops: LayoutOp[], snapshot: Snapshot): void {
    assert(Number.isSafeInteger(meta.index) && meta.index >= 0, 'snapshot index must be an integer >= 0');
    if (!(meta.index > this.snapshotIndex || (meta.index === this.snapshotIndex && meta.term === this.snapshotTerm))) {
      assertionFailed(`snapshot at ${meta.index}/${meta.term} is older than the stored one at ${this.snapshotIndex}/${this.snapshotTerm}`);
    }
    const keepsSuffix = this.termAt(meta.index) === meta.term;
    const dropThrough = keepsSuffix ? meta.index : this.lastIndex;
    if (dropThrough >= this.firstIndex) {
      ops.push({ kind: 'delete-entries', fromIndex: this.firstIndex, toIndex: dropThrough });
    }
    this.terms = keepsSuffix ? this.terms.slice(meta.index - this.snapshotIndex) : [];
    this.snapshotIndex = meta.index;
    this.snapshotTerm = meta.term;
    ops.push({ kind: 'put-snapshot', snapshot });
  }

  private planEntries(entries: readonly Entry[], ops: LayoutOp[]): void {
    const fresh = entries.filter((entry) => entry.index > this.snapshotIndex);
    const first = fresh[0];
    if (first === undefined) return;
    assertContiguous(fresh);
    if (!(first.index <= this.lastIndex + 1)) {
      assertionFailed(`entries start at ${first.index}, leaving a gap after the last persisted index ${this.lastIndex}`);
    }
    const previousTerm = this.termAt(first.index - 1);
    if (!(previousTerm !== undefined && first.term >= previousTerm)) assertionFailed(`entry ${first.index} has a term below its predecessor`);
    if (first.index <= this.lastIndex) {
      ops.push({ kind: 'delete-entries', fromIndex: first.index, toIndex: this.lastIndex });
      this.terms.length = first.index - this.firstIndex;
    }
    for (const entry of fresh) {
      ops.push({ kind: 'put-entry', entry });
      this.terms.push(entry.term);
    }
  }

  private planHardState(hardState: HardState, ops: LayoutOp[]): void {
    if (!(hardState.term >= this.hard.term)) assertionFailed(`hard state term went back from ${this.hard.term} to ${hardState.term}`);
    if (!(hardState.commit >= this.hard.commit)) assertionFailed(`commit went back from ${this.hard.commit} to ${hardState.commit}`);
    this.hard = hardState;
    ops.push({ kind: 'put-hard-state', hardState });
  }
}

function assertContiguous(entries: readonly Entry[]): void {
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i];
    assert(entry !== undefined && Number.isSafeInteger(entry.index) && Number.isSafeInteger(entry.term));
    const previous = entries[i - 1];
    if (previous === undefined) continue;
    if (entry.index !== previous.index + 1) assertionFailed(`entries not contiguous: ${previous.index} then ${entry.index}`);
    if (!(entry.term >= previous.term)) assertionFailed(`entry ${entry.index} has a term below its predecessor`);
  }
}
