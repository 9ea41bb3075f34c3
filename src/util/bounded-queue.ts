import { RaftplaneError } from './errors.js';
import { assert } from './assert.js';

export type QueueErrorCode = 'QUEUE_FULL';

/**
 * A FIFO with a hard capacity. Producers learn at once that the queue is full
 * (push returns false or tryPush throws) instead of growing memory without bound.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity > 0, 'capacity must be a positive integer');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  pushOrThrow(item: T): void {
    if (!this.push(item)) {
      throw new RaftplaneError<QueueErrorCode>('QUEUE_FULL', `queue is full (${this.capacity} items)`, {
        capacity: this.capacity,
      });
    }
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns up to `max` items, oldest first. */
  drain(max = Infinity): T[] {
    const count = Math.min(max, this.length);
    const out = this.items.slice(this.head, this.head + count);
    this.head += count;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return out;
  }
}
