import { assert } from '../util/assert.js';

interface Slot<T> {
  readonly item: T;
  readonly bytes: number;
}

/**
 * A FIFO bounded both in items and in bytes. push() refuses (returns false) rather
 * than grow: the caller drops the newest item and counts it.
 */
export class ByteBoundedQueue<T> {
  private slots: Slot<T>[] = [];
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
    return this.slots.length - this.head;
  }

  get bytes(): number {
    return this.bytesQueued;
  }

  push(item: T, bytes: number): boolean {
    assert(bytes >= 0, 'negative size');
    if (this.length >= this.lengthMax) return false;
    if (this.bytesQueued + bytes > this.bytesMax) return false;
    this.slots.push({ item, bytes });
    this.bytesQueued += bytes;
    return true;
  }

  peek(): T | undefined {
    return this.slots[this.head]?.item;
  }

  peekBytes(): number {
    return this.slots[this.head]?.bytes ?? 0;
  }

  shift(): T | undefined {
    const slot = this.slots[this.head];
    if (slot === undefined) return undefined;
    this.head++;
    this.bytesQueued -= slot.bytes;
    this.compact();
    return slot.item;
  }

  drain(max = Infinity): T[] {
    const out: T[] = [];
    while (out.length < max && this.length > 0) out.push(this.shift() as T);
    return out;
  }

  clear(): number {
    const dropped = this.length;
    this.slots = [];
    this.head = 0;
    this.bytesQueued = 0;
    return dropped;
  }

  private compact(): void {
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    assert(this.bytesQueued >= 0, 'queue byte count went negative');
  }
}
