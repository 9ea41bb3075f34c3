import { assert } from '../util/assert.js';

/**
 * A FIFO bounded both in items and in bytes. push() refuses (returns false) rather
 * than grow: the caller drops the newest item and counts it.
 */
export class ByteBoundedQueue<T> {
  // Two parallel arrays rather than one object per item: every Raft message passes through.
  private items: T[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytesQueued = 0;

  constructor(
    readonly lengthMax: number,
    readonly bytesMax: number,
  ) {
    assert(Number.isSafeInteger(lengthMax) && lengthMax > 0, 'lengthMax must be a positive integer');
    assert(Number.isSafeInteger(bytesMax) && bytesMax > 0, 'bytesMax must be a positive integer');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.bytesQueued;
  }

  push(item: T, bytes: number): boolean {
    assert(bytes >= 0, 'negative size');
    if (this.length >= this.lengthMax) return false;
    if (this.bytesQueued + bytes > this.bytesMax) return false;
    this.items.push(item);
    this.sizes.push(bytes);
    this.bytesQueued += bytes;
    return true;
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  peekBytes(): number {
    return this.head < this.items.length ? this.sizes[this.head]! : 0;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.bytesQueued -= this.sizes[this.head]!;
    this.items[this.head] = undefined as T; // let it be collected before the array is compacted
    this.head++;
    this.compact();
    return item;
  }

  drain(max = Infinity): T[] {
    const out: T[] = [];
    while (out.length < max && this.length > 0) out.push(this.shift() as T);
    return out;
  }

  clear(): number {
    const dropped = this.length;
    this.items = [];
    this.sizes = [];
    this.head = 0;
    this.bytesQueued = 0;
    return dropped;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      // Emptied: reuse the arrays rather than allocate new ones for the next item.
      this.items.length = 0;
      this.sizes.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    assert(this.bytesQueued >= 0, 'queue byte count went negative');
  }
}
