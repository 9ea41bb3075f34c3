import { assert } from '../util/assert.js';

/**
 * A FIFO bounded both in items and in bytes. push() refuses (returns false) rather
 * than grow: the caller drops the newest item and counts it.
 */
export class ByteBoundedQueue<T> {
  // Two parallel arrays rather than one object per item: every Raft message passes through.
  // Items live at [head, tail). An emptied queue starts again at 0 in the same arrays:
  // truncating them (length = 0) would free their storage, and the next push would
  // allocate it again, several times per loop turn.
  private items: (T | undefined)[] = [];
  private sizes: number[] = [];
  private head = 0;
  private tail = 0;
  private bytesQueued = 0;

  constructor(
    readonly lengthMax: number,
    readonly bytesMax: number,
  ) {
    assert(Number.isSafeInteger(lengthMax) && lengthMax > 0, 'lengthMax must be a positive integer');
    assert(Number.isSafeInteger(bytesMax) && bytesMax > 0, 'bytesMax must be a positive integer');
  }

  get length(): number {
    return this.tail - this.head;
  }

  get bytes(): number {
    return this.bytesQueued;
  }

  push(item: T, bytes: number): boolean {
    assert(bytes >= 0, 'negative size');
    if (this.length >= this.lengthMax) return false;
    if (this.bytesQueued + bytes > this.bytesMax) return false;
    if (this.tail < this.items.length) {
      this.items[this.tail] = item;
      this.sizes[this.tail] = bytes;
    } else {
      this.items.push(item);
      this.sizes.push(bytes);
    }
    this.tail++;
    this.bytesQueued += bytes;
    return true;
  }

  peek(): T | undefined {
    return this.head < this.tail ? this.items[this.head] : undefined;
  }

  peekBytes(): number {
    return this.head < this.tail ? this.sizes[this.head]! : 0;
  }

  shift(): T | undefined {
    if (this.head >= this.tail) return undefined;
    const item = this.items[this.head] as T;
    this.bytesQueued -= this.sizes[this.head]!;
    this.items[this.head] = undefined; // let it be collected before the slot is reused
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
    this.tail = 0;
    this.bytesQueued = 0;
    return dropped;
  }

  private compact(): void {
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      this.items = this.items.slice(this.head, this.tail);
      this.sizes = this.sizes.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    assert(this.bytesQueued >= 0, 'queue byte count went negative');
  }
}
