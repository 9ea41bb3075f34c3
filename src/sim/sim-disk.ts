import { MemoryStorage } from '../raft/memory-storage.js';
import { EMPTY_HARD_STATE, type Entry, type HardState, type Snapshot } from '../raft/types.js';
import { assert, assertionFailed } from '../util/assert.js';

/**
 * What survives a crash: the last persisted snapshot, the log entries after it
 * and the hard state. Everything else a node holds is lost when it crashes.
 */
export class SimDisk {
  private snap: Snapshot | undefined;
  /** Entries after the snapshot; entries[k].index === firstIndex + k. */
  private entries: Entry[] = [];
  private hard: HardState = EMPTY_HARD_STATE;
  /** Index of entries[0]: one past the compaction point, as in MemoryStorage. */
  private firstIndex = 1;

  /** Mirrors a freshly created storage (bootstrap or empty). */
  static of(storage: MemoryStorage): SimDisk {
    const disk = new SimDisk();
    const snapshot = storage.snapshot();
    if (snapshot.meta.index > 0) disk.snap = snapshot;
    disk.firstIndex = storage.firstIndex();
    disk.hard = storage.initialState().hardState;
    assert(storage.lastIndex() === snapshot.meta.index, 'a new storage holds no entries');
    return disk;
  }

  get hardState(): HardState {
    return this.hard;
  }

  get snapshot(): Snapshot | undefined {
    return this.snap;
  }

  get lastIndex(): number {
    return this.firstIndex + this.entries.length - 1;
  }

  setHardState(hardState: HardState): void {
    this.hard = hardState;
  }

  append(newEntries: readonly Entry[]): void {
    const head = newEntries[0];
    if (head === undefined) return;
    const first = this.firstIndex;
    let skip = 0;
    if (head.index < first) skip = first - head.index;
    if (skip >= newEntries.length) return;
    const at = head.index + skip - first;
    if (!(at <= this.entries.length)) assertionFailed(`disk append at ${head.index + skip} leaves a gap after ${this.lastIndex}`);
    this.entries.length = at;
    for (let i = skip; i < newEntries.length; i++) this.entries.push(newEntries[i] as Entry);
  }

  /** A snapshot from the leader replaces the whole log. */
  installSnapshot(snapshot: Snapshot): void {
    this.snap = snapshot;
    this.entries = [];
    this.firstIndex = snapshot.meta.index + 1;
  }

  /** The node's own snapshot: the log after it stays until compacted. */
  saveSnapshot(snapshot: Snapshot): void {
    this.snap = snapshot;
  }

  compact(index: number): void {
    const drop = index - this.firstIndex + 1;
    if (drop <= 0) return;
    if (!(drop <= this.entries.length)) assertionFailed(`compact ${index} beyond the last index on disk ${this.lastIndex}`);
    this.entries.splice(0, drop);
    this.firstIndex = index + 1;
  }

  /** Rebuilds the core's storage after a restart. */
  load(): MemoryStorage {
    const storage = new MemoryStorage();
    if (this.snap !== undefined) storage.applySnapshot(this.snap);
    if (this.entries.length > 0) storage.append(this.entries);
    storage.setHardState(this.hard);
    return storage;
  }
}
