import { assert, assertionFailed } from '../util/assert.js';
import { EntryColumns } from './entry-columns.js';
import { fittingCount } from './entry-limits.js';
import { RaftError } from './errors.js';
import {
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  emptyBytes,
  entrySizeBytes,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

/**
 * The log as the core sees it: everything the application has persisted, held in
 * memory for synchronous reads. The application appends to it right after each
 * durable write, and rebuilds it from disk after a restart.
 *
 * Layout as in etcd's MemoryStorage: position 0 is a dummy entry standing for the
 * last entry covered by the snapshot (its index and term), so term lookups at the
 * snapshot boundary work without a special case. The entries are held as columns, not
 * objects (see EntryColumns); `entries()` builds the objects it returns.
 */
export class MemoryStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  private ents = new EntryColumns();
  /** The index of the entry at position 0 (the dummy). */
  private offsetIndex = 0;

  constructor() {
    this.snap = { meta: { index: 0, term: 0, confState: EMPTY_CONF_STATE }, data: emptyBytes() };
    this.resetTo(0, 0);
  }

  /**
   * A founding member of a new cluster: a genesis snapshot at index 1, term 1
   * carries the initial membership. Every founding member starts from the same
   * genesis, and a node added later receives a snapshot (never the bare log), so
   * it always learns the membership the log's changes apply to. `genesisData`
   * is the application's initial image; it must be identical on every founder.
   */
  static bootstrap(confState: ConfState, genesisData: Uint8Array = emptyBytes()): MemoryStorage {
    assert(confState.voters.length > 0, 'a new cluster needs at least one voter');
    const storage = new MemoryStorage();
    storage.snap = { meta: { index: 1, term: 1, confState }, data: genesisData };
    storage.resetTo(1, 1);
    storage.hardState = { term: 1, vote: '', commit: 1 };
    return storage;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  term(index: number): number {
    const offset = this.offset();
    if (index < offset) throw new RaftError('RAFT_COMPACTED', `index ${index} is compacted`, { index });
    const term = this.ents.term(index - offset);
    if (term === undefined) throw new RaftError('RAFT_UNAVAILABLE', `index ${index} is not in the log`, { index });
    return term;
  }

  /** Entries in [lo, hi), at most maxBytes (but at least one). */
  entries(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new RaftError('RAFT_COMPACTED', `index ${lo} is compacted`, { index: lo });
    if (!(hi <= this.lastIndex() + 1)) assertionFailed(`entries(${lo}, ${hi}) beyond last index ${this.lastIndex()}`);
    if (this.ents.length === 1) throw new RaftError('RAFT_UNAVAILABLE', 'the log is empty', { index: lo });
    const count = fittingCount(hi - lo, (i) => entrySizeBytes(this.ents.dataBytes(lo - offset + i)), maxBytes);
    const out: Entry[] = [];
    for (let i = 0; i < count; i++) out.push(this.ents.entry(lo - offset + i, lo + i));
    return out;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the log with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.meta.index <= this.snap.meta.index) {
      throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE', 'snapshot is older than the one held', {
        index: snapshot.meta.index,
      });
    }
    this.snap = snapshot;
    this.resetTo(snapshot.meta.index, snapshot.meta.term);
  }

  /**
   * Records the application's snapshot at `index` (which must be applied, hence in the log).
   * `data` may be a function: the image is then made on first use of snapshot.data (say,
   * to send it to a follower), once, and not at all if nothing reads it.
   */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array | (() => Uint8Array)): Snapshot {
    if (index <= this.snap.meta.index) {
      throw new RaftError('RAFT_SNAPSHOT_OUT_OF_DATE', 'snapshot is older than the one held', { index });
    }
    if (!(index <= this.lastIndex())) assertionFailed(`snapshot index ${index} beyond last index ${this.lastIndex()}`);
    const meta = { index, term: this.term(index), confState };
    if (typeof data === 'function') {
      let made: Uint8Array | undefined;
      this.snap = {
        meta,
        get data(): Uint8Array {
          made ??= data();
          return made;
        },
      };
    } else {
      this.snap = { meta, data };
    }
    return this.snap;
  }

  /** Drops the entries up to and including `index`; they must be covered by a snapshot. */
  compact(index: number): void {
    const offset = this.offset();
    if (index <= offset) return;
    if (!(index <= this.lastIndex())) assertionFailed(`compact ${index} beyond last index ${this.lastIndex()}`);
    if (!(index <= this.snap.meta.index)) assertionFailed(`compact ${index} beyond snapshot ${this.snap.meta.index}`);
    // The boundary entry becomes the dummy: its term stays, its bytes are not needed.
    this.ents.dropFront(index - offset);
    this.offsetIndex = index;
  }

  /** Appends persisted entries, replacing any suffix they conflict with (§5.3). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const lastNew = (entries[0] as Entry).index + entries.length - 1;
    if (lastNew < first) return;
    let toAppend = entries;
    if (first > (entries[0] as Entry).index) toAppend = entries.slice(first - (entries[0] as Entry).index);
    const at = (toAppend[0] as Entry).index - this.offset();
    if (!(at <= this.ents.length)) assertionFailed(`missing log entries before ${(toAppend[0] as Entry).index}`);
    // In place: the log holds every entry since the last snapshot (tens of thousands under
    // load), and copying it on each append cost a tenth of a busy peer's CPU.
    this.ents.truncate(at);
    for (const entry of toAppend) this.ents.push(entry);
  }

  private offset(): number {
    return this.offsetIndex;
  }

  /** Leaves only the dummy, standing for the entry at index with term. */
  private resetTo(index: number, term: number): void {
    this.ents = new EntryColumns();
    this.ents.push({ term, index, type: 'normal', data: emptyBytes() });
    this.offsetIndex = index;
  }
}
