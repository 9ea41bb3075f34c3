import { assert } from '../util/assert.js';
import { emptyBytes, type Entry, type EntryType } from './types.js';

/** Chunk size, and the largest entry whose bytes are copied into a chunk (larger ones get their own buffer). */
const CHUNK_BYTES = 256 * 1024;
const CHUNK_ENTRY_MAX = 32 * 1024;

/** Entry types by their number in the types column. */
const TYPES: readonly EntryType[] = ['normal', 'conf-change'];

/**
 * A run of log entries held as parallel arrays of numbers, with their bytes copied into
 * shared chunks: no object per entry. The log keeps every entry since the last snapshot
 * (ten thousand and more under load), so an Entry object and a view of its bytes each
 * would be objects that the young-generation collector copies twice (to the survivor
 * space, then to the old generation) and every major GC then traces; on a follower the
 * view would also hold the whole received frame. Reads build the Entry objects they
 * return, which die young.
 *
 * Positions are 0-based. Chunks are only ever appended to, never rewritten: an Entry read
 * before a truncation or a drop keeps seeing its own bytes.
 */
export class EntryColumns {
  private terms: number[] = [];
  private types: number[] = [];
  private buffers: Uint8Array[] = [];
  private starts: number[] = [];
  private sizes: number[] = [];
  private chunk: Buffer = Buffer.allocUnsafeSlow(0);
  private chunkUsed = 0;

  get length(): number {
    return this.terms.length;
  }

  push(entry: Entry): void {
    const { data } = entry;
    const size = data.byteLength;
    this.terms.push(entry.term);
    const type = TYPES.indexOf(entry.type);
    assert(type >= 0, 'unknown entry type');
    this.types.push(type);
    this.sizes.push(size);
    if (size === 0) {
      this.buffers.push(emptyBytes());
      this.starts.push(0);
    } else if (size > CHUNK_ENTRY_MAX) {
      const own = Buffer.allocUnsafeSlow(size);
      own.set(data);
      this.buffers.push(own);
      this.starts.push(0);
    } else {
      if (this.chunkUsed + size > this.chunk.byteLength) {
        this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
        this.chunkUsed = 0;
      }
      this.chunk.set(data, this.chunkUsed);
      this.buffers.push(this.chunk);
      this.starts.push(this.chunkUsed);
      this.chunkUsed += size;
    }
  }

  /** The entry at `position`, given the log index that position stands for. */
  entry(position: number, index: number): Entry {
    assert(position >= 0 && position < this.terms.length, 'entry position out of range');
    const size = this.sizes[position] as number;
    const buffer = this.buffers[position] as Uint8Array;
    const start = this.starts[position] as number;
    return {
      term: this.terms[position] as number,
      index,
      type: TYPES[this.types[position] as number] as EntryType,
      data: size === 0 ? buffer : buffer.subarray(start, start + size),
    };
  }

  term(position: number): number | undefined {
    return this.terms[position];
  }

  dataBytes(position: number): number {
    return this.sizes[position] as number;
  }

  /** Keeps the first `length` positions. */
  truncate(length: number): void {
    assert(length >= 0 && length <= this.terms.length, 'truncating past the end');
    this.terms.length = length;
    this.types.length = length;
    this.buffers.length = length;
    this.starts.length = length;
    this.sizes.length = length;
  }

  /** Drops the first `count` positions. */
  dropFront(count: number): void {
    assert(count >= 0 && count <= this.terms.length, 'dropping past the end');
    this.terms.splice(0, count);
    this.types.splice(0, count);
    this.buffers.splice(0, count);
    this.starts.splice(0, count);
    this.sizes.splice(0, count);
  }
}
