import { assert } from '../util/assert.js';

/** Slab size, and the largest value copied into a slab (larger ones get their own buffer). */
const SLAB_BYTES = 16 * 1024;
const SLAB_VALUE_MAX = 2 * 1024;

/**
 * Where the store copies small values: consecutive views into shared 16 KiB buffers,
 * instead of one ArrayBuffer per value. The history holds every value it has ever been
 * written (until compaction), and each ArrayBuffer is an object the garbage collector
 * traces and sweeps on every major GC: with one per value, a peer under a steady write
 * load spent 100 ms and more per major GC on them (see docs/benchmarks.md). Node's own
 * Buffer pool does the same for small buffers.
 *
 * A slab lives as long as any value in it. After a compaction, the values that survive in
 * a mostly dead slab are moved to the current one (see buffer-repack.ts), so the dead
 * slab can be collected. The quota (History.bytes) counts values, not slabs.
 */
export class ValueSlab {
  private slab = new Uint8Array(0);
  private used = 0;

  /** A copy of bytes that no caller's later change to bytes can reach. */
  copy(bytes: Uint8Array): Uint8Array {
    const size = bytes.byteLength;
    if (size === 0 || size > SLAB_VALUE_MAX) return new Uint8Array(bytes);
    if (this.used + size > this.slab.byteLength) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const copy = this.slab.subarray(this.used, this.used + size);
    copy.set(bytes);
    this.used += size;
    assert(this.used <= this.slab.byteLength);
    return copy;
  }

  /** True for the slab new values are still going into: it is not dead, only young. */
  isFilling(buffer: ArrayBufferLike): boolean {
    return buffer === this.slab.buffer;
  }
}
