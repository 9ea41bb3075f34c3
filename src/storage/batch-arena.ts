import { assert } from '../util/assert.js';
import type { Entry } from '../raft/types.js';
import { ENTRY_HEADER_BYTES, writeEntry } from './entry-codec.js';
import { ENTRY_KEY_BYTES, HARD_STATE_KEY, writeEntryKey } from './level-keys.js';
import type { LayoutOp } from './log-layout.js';
import { RECORD_HEADER_BYTES, sealInPlace } from './record-codec.js';

export type RecordPut = { type: 'put'; key: Uint8Array; value: Uint8Array };

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this for one large batch is dropped after it, not kept. */
const KEEP_BYTES = 1024 * 1024;
const utf8 = new TextEncoder();

/**
 * The keys and records of a synced batch (its entries and its hard state), cut from one
 * buffer that the next batch reuses. Every new ArrayBuffer is an object V8 tracks and
 * sweeps at each scavenge, and a peer writes one batch per loop turn: allocating the
 * batch's bytes afresh (plus the hard state's record and its JSON) cost three of them per
 * write on every peer, about half of what a follower allocated per put. The bytes are
 * released once the batch's write has settled (`release`).
 *
 * Writes to one log are issued one at a time, so the shared buffer is always free when a
 * batch begins; should one begin while another holds it, that batch gets a buffer of its own.
 */
export class BatchArena {
  private shared = new Uint8Array(INITIAL_BYTES);
  private sharedBusy = false;

  /** The bytes for one batch of ops, from the shared buffer when it is free. */
  lease(ops: readonly LayoutOp[]): BatchBytes {
    // The hard states' JSON is sized here and written by putHardState, in op order.
    const hardStates: string[] = [];
    let size = 0;
    for (const op of ops) {
      if (op.kind === 'put-entry') size += ENTRY_KEY_BYTES + RECORD_HEADER_BYTES + ENTRY_HEADER_BYTES + op.entry.data.byteLength;
      else if (op.kind === 'put-hard-state') {
        const json = JSON.stringify(op.hardState);
        hardStates.push(json);
        size += RECORD_HEADER_BYTES + Buffer.byteLength(json);
      }
    }
    if (this.sharedBusy) return new BatchBytes(new Uint8Array(size), size, hardStates, () => undefined);
    if (size > this.shared.byteLength) this.shared = new Uint8Array(Math.max(size, Math.min(KEEP_BYTES, 2 * this.shared.byteLength)));
    this.sharedBusy = true;
    return new BatchBytes(this.shared, size, hardStates, () => {
      this.sharedBusy = false;
      if (this.shared.byteLength > KEEP_BYTES) this.shared = new Uint8Array(INITIAL_BYTES);
    });
  }

  /** Bytes held now (for tests). */
  get capacity(): number {
    return this.shared.byteLength;
  }
}

/** One batch's share of an arena: records are cut from it in order. */
export class BatchBytes {
  private used = 0;
  private hardStatesUsed = 0;
  private released = false;

  constructor(
    private readonly bytes: Uint8Array,
    /** What the batch's ops asked for: cutting more is a sizing bug, not a use of spare room. */
    private readonly size: number,
    /** The JSON of the ops' hard states, in op order. */
    private readonly hardStates: readonly string[],
    private readonly onRelease: () => void,
  ) {}

  putEntry(entry: Entry): RecordPut {
    const key = this.take(ENTRY_KEY_BYTES);
    writeEntryKey(key, entry.index);
    const value = this.take(RECORD_HEADER_BYTES + ENTRY_HEADER_BYTES + entry.data.byteLength);
    writeEntry(value.subarray(RECORD_HEADER_BYTES), entry);
    sealInPlace(key, value);
    return { type: 'put', key, value };
  }

  /** The ops' next hard state as a JSON record, as meta-codec's encodeJson writes it. */
  putHardState(): RecordPut {
    const json = this.hardStates[this.hardStatesUsed++];
    assert(json !== undefined, 'a hard state for every put-hard-state op');
    const value = this.take(RECORD_HEADER_BYTES + Buffer.byteLength(json));
    const { written } = utf8.encodeInto(json, value.subarray(RECORD_HEADER_BYTES));
    assert(written === value.byteLength - RECORD_HEADER_BYTES, 'hard state sized in UTF-8 bytes');
    sealInPlace(HARD_STATE_KEY, value);
    return { type: 'put', key: HARD_STATE_KEY, value };
  }

  /** The batch's write has settled: the bytes may be reused. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  private take(size: number): Uint8Array {
    const start = this.used;
    this.used += size;
    assert(this.used <= this.size, 'batch bytes sized for every record');
    return this.bytes.subarray(start, this.used);
  }
}
