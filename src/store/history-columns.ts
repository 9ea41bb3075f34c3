import { EMPTY_BYTES } from './bytes.js';
import type { KeyValue, LeaseId } from './types.js';

/**
 * History entries in revision order, held as parallel arrays: no object per entry. A
 * KeyValue object and a view of its value per write were most of what a peer kept per
 * write, and so most of what the young-generation collector copied (twice: to the survivor
 * space, then to the old generation) on every scavenge, and what every major GC traced.
 * Keys are views shared by every revision of a key, so the keys column holds references,
 * not new objects; a value is held as its buffer, offset and size. entry() builds the
 * KeyValue it returns, which dies young.
 *
 * Append-only: positions below `length` never change, except that repacking may point a
 * key or value at a copy with the same bytes. A compaction builds new columns (see
 * History), so the columns a snapshot captured stay as they were.
 */
export class HistoryColumns {
  readonly mains: number[] = [];
  readonly subs: number[] = [];
  readonly keys: Uint8Array[] = [];
  readonly createRevisions: number[] = [];
  readonly versions: number[] = [];
  readonly leases: LeaseId[] = [];
  readonly valueBuffers: ArrayBufferLike[] = [];
  readonly valueStarts: number[] = [];
  readonly valueSizes: number[] = [];

  get length(): number {
    return this.mains.length;
  }

  push(main: number, sub: number, kv: KeyValue): void {
    const { value } = kv;
    this.mains.push(main);
    this.subs.push(sub);
    this.keys.push(kv.key);
    this.createRevisions.push(kv.createRevision);
    this.versions.push(kv.version);
    this.leases.push(kv.lease);
    this.valueBuffers.push(value.buffer);
    this.valueStarts.push(value.byteOffset);
    this.valueSizes.push(value.byteLength);
  }

  /** Copies position `at` of `from` to the end. */
  pushFrom(from: HistoryColumns, at: number): void {
    this.mains.push(from.mains[at] as number);
    this.subs.push(from.subs[at] as number);
    this.keys.push(from.keys[at] as Uint8Array);
    this.createRevisions.push(from.createRevisions[at] as number);
    this.versions.push(from.versions[at] as number);
    this.leases.push(from.leases[at] as LeaseId);
    this.valueBuffers.push(from.valueBuffers[at] as ArrayBufferLike);
    this.valueStarts.push(from.valueStarts[at] as number);
    this.valueSizes.push(from.valueSizes[at] as number);
  }

  /** The entry at a position, built on each call (modRevision is the main revision). */
  entry(at: number): KeyValue {
    return {
      key: this.keys[at] as Uint8Array,
      createRevision: this.createRevisions[at] as number,
      modRevision: this.mains[at] as number,
      version: this.versions[at] as number,
      value: this.value(at),
      lease: this.leases[at] as LeaseId,
    };
  }

  value(at: number): Uint8Array {
    const size = this.valueSizes[at] as number;
    return size === 0 ? EMPTY_BYTES : new Uint8Array(this.valueBuffers[at] as ArrayBufferLike, this.valueStarts[at], size);
  }

  /** Points the value at a position at other bytes (a copy of the same bytes). */
  setValue(at: number, value: Uint8Array): void {
    this.valueBuffers[at] = value.buffer;
    this.valueStarts[at] = value.byteOffset;
    this.valueSizes[at] = value.byteLength;
  }

  /**
   * The first position holding main revision `main` at sub-revision `sub`, or -1. Mains
   * ascend, and subs ascend within a main, so this is a binary search.
   */
  find(main: number, sub: number): number {
    for (let at = this.firstAtOrAfter(main); at < this.mains.length && this.mains[at] === main; at++) {
      if (this.subs[at] === sub) return at;
    }
    return -1;
  }

  /** The first position whose main revision is at least `main` (length if none). */
  firstAtOrAfter(main: number): number {
    let lo = 0;
    let hi = this.mains.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.mains[mid] as number) < main) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
