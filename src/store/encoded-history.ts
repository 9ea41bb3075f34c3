import { Packr } from 'msgpackr';
import { assert, assertionFailed } from '../util/assert.js';
import { isTombstone, type HistoryEntry } from './history.js';

/** History entries in revision order, as append-only columns (see History.ordered). */
export interface OrderedHistory {
  readonly length: number;
  readonly mains: readonly number[];
  readonly subs: readonly number[];
  /** The entry at a position, built on each call. */
  entry(at: number): HistoryEntry;
}

/** [main, sub, tombstone, key, value, createRevision, version, lease] */
export type EntryTuple = [number, number, boolean, Uint8Array, Uint8Array, number, number, string];

// Records off: a plain, self-describing encoding whose bytes depend only on the data.
export const snapshotPackr = new Packr({ useRecords: false, moreTypes: false });

/**
 * The snapshot encoding of a history's first `count` entries, kept between snapshots and
 * extended as the history grows. History is append-only between compactions and its
 * entries are immutable, so bytes encoded once stay right until the next compaction
 * (which replaces the ordered arrays, so `continues` turns false). A snapshot then only
 * encodes what was added since the last extension and copies the rest.
 *
 * The bytes are those of the entries inside a msgpack array (no array header): the
 * concatenation of per-slice encodings, since each entry encodes on its own.
 */
export class EncodedHistory {
  private parts: Uint8Array[] = [];
  /** partEnds[i]: entries covered by parts[0..i]. */
  private partEnds: number[] = [];
  private encodedBytes = 0;
  private encoded = 0;

  constructor(
    readonly order: OrderedHistory,
    readonly compactRevision: number,
  ) {}

  get count(): number {
    return this.encoded;
  }

  get bytes(): number {
    return this.encodedBytes;
  }

  /** Still an encoding of a prefix of this history's first `upTo` entries? */
  continues(order: OrderedHistory, compactRevision: number, upTo: number): boolean {
    return order === this.order && compactRevision === this.compactRevision && this.encoded <= upTo;
  }

  /** Encodes up to n more entries, never past `until`; true once `until` entries are encoded. */
  extend(n: number, until: number): boolean {
    assert(until <= this.order.length, 'cannot encode past the history');
    const end = Math.min(until, this.encoded + n);
    if (this.encoded < end) {
      const { mains, subs } = this.order;
      const slice: EntryTuple[] = [];
      for (let i = this.encoded; i < end; i++) {
        const kv = this.order.entry(i);
        slice.push([mains[i]!, subs[i]!, isTombstone(kv), kv.key, kv.value, kv.createRevision, kv.version, kv.lease]);
      }
      const packed = snapshotPackr.pack(slice);
      // The slice's own array header dropped; copied, since Packr may reuse its buffer.
      this.push(Uint8Array.prototype.slice.call(packed.subarray(arrayHeaderBytes(packed[0]!))), end);
    }
    return this.encoded >= until;
  }

  /** The parts covering exactly the first `count` entries (a part must end there). */
  partsThrough(count: number): Uint8Array[] {
    if (count === 0) return [];
    const last = this.partEnds.indexOf(count);
    if (!(last >= 0)) assertionFailed(`no part ends at entry ${count}`);
    return this.parts.slice(0, last + 1);
  }

  private push(part: Uint8Array, end: number): void {
    this.parts.push(part);
    this.partEnds.push(end);
    this.encodedBytes += part.byteLength;
    this.encoded = end;
  }
}

export function arrayHeaderBytes(firstByte: number): number {
  if ((firstByte & 0xf0) === 0x90) return 1;
  if (firstByte === 0xdc) return 3;
  assert(firstByte === 0xdd, 'msgpack array header expected');
  return 5;
}
