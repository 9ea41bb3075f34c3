import type { Clock, TimerHandle } from '../util/clock.js';
import { ByteBoundedQueue } from './byte-bounded-queue.js';

interface Held<T> {
  readonly item: T;
  readonly dueMs: number;
}

/**
 * Holds items for a delay fault, bounded, releasing them in arrival order: an item is
 * never released before one that arrived ahead of it, even if the delay shrank.
 * With nothing held and no delay, push releases at once.
 */
export class DelayLine<T> {
  private readonly held: ByteBoundedQueue<Held<T>>;
  private timer: TimerHandle | undefined;
  private lastDueMs = 0;

  constructor(
    private readonly clock: Clock,
    capacity: number,
    private readonly release: (item: T) => void,
  ) {
    // Bounded by count only: held items are already counted where they came from.
    this.held = new ByteBoundedQueue(capacity, Number.MAX_SAFE_INTEGER);
  }

  get length(): number {
    return this.held.length;
  }

  /** False when the line is full: the caller drops the item. */
  push(item: T, delayMs: number): boolean {
    const nowMs = this.clock.nowMs();
    if (delayMs === 0 && this.held.length === 0) {
      this.release(item);
      return true;
    }
    const dueMs = Math.max(this.lastDueMs, nowMs + delayMs);
    if (!this.held.push({ item, dueMs }, 0)) return false;
    this.lastDueMs = dueMs;
    this.arm();
    return true;
  }

  /** Releases everything held now, in order: the delay that held it has been lifted. */
  releaseAll(): void {
    this.lastDueMs = 0;
    for (const held of this.takeAll()) this.release(held.item);
  }

  clear(): number {
    return this.takeAll().length;
  }

  private takeAll(): Held<T>[] {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    return this.held.drain();
  }

  private arm(): void {
    const head = this.held.peek();
    if (this.timer !== undefined || head === undefined) return;
    this.timer = this.clock.setTimeout(() => this.flush(), Math.max(0, head.dueMs - this.clock.nowMs()));
  }

  private flush(): void {
    this.timer = undefined;
    const nowMs = this.clock.nowMs();
    for (let head = this.held.peek(); head !== undefined && head.dueMs <= nowMs; head = this.held.peek()) {
      this.held.shift();
      this.release(head.item);
    }
    this.arm();
  }
}
