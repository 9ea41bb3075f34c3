import { assert } from '../util/assert.js';

/**
 * Flow control for one follower: the append messages sent but not yet
 * acknowledged, as (last index, bytes) pairs in send order. The leader stops
 * sending when either the count or the byte budget is used up.
 */
export class Inflights {
  private readonly indexes: number[] = [];
  private readonly sizes: number[] = [];
  private start = 0;
  private bytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {
    assert(maxMessages > 0, 'maxMessages must be positive');
  }

  get count(): number {
    return this.indexes.length - this.start;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  add(lastIndex: number, bytes: number): void {
    assert(!this.full(), 'add to full inflights');
    const last = this.indexes[this.indexes.length - 1];
    assert(this.count === 0 || last === undefined || lastIndex >= last, 'inflight indexes must not go back');
    this.indexes.push(lastIndex);
    this.sizes.push(bytes);
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (the follower acknowledged them). */
  freeLE(index: number): void {
    while (this.start < this.indexes.length && (this.indexes[this.start] as number) <= index) {
      this.bytes -= this.sizes[this.start] as number;
      this.start++;
    }
    if (this.start > 64 && this.start * 2 > this.indexes.length) {
      this.indexes.splice(0, this.start);
      this.sizes.splice(0, this.start);
      this.start = 0;
    }
  }

  /** A heartbeat response proves the follower is alive: free one slot to resume a stalled pipeline. */
  freeFirstOne(): void {
    const first = this.indexes[this.start];
    if (first !== undefined) this.freeLE(first);
  }

  full(): boolean {
    return this.count >= this.maxMessages || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.start = 0;
    this.bytes = 0;
  }
}
