import { PeerError } from './errors.js';

/**
 * Requests waiting for something the loop will observe later (an applied entry,
 * a read index). Bounded; each has a deadline checked on every tick.
 */
interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  deadlineMs: number;
}

export class PendingRequests<Key, T> {
  private readonly waiters = new Map<Key, Waiter<T>>();

  constructor(
    private readonly max: number,
    private readonly timeoutMessage: string,
  ) {}

  get size(): number {
    return this.waiters.size;
  }

  add(key: Key, deadlineMs: number): Promise<T> {
    if (this.waiters.size >= this.max) {
      return Promise.reject(new PeerError('PEER_TOO_MANY_REQUESTS', 'etcdserver: too many requests'));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiters.set(key, { resolve, reject, deadlineMs });
    });
  }

  has(key: Key): boolean {
    return this.waiters.has(key);
  }

  resolve(key: Key, value: T): boolean {
    const waiter = this.waiters.get(key);
    if (waiter === undefined) return false;
    this.waiters.delete(key);
    waiter.resolve(value);
    return true;
  }

  reject(key: Key, error: Error): void {
    const waiter = this.waiters.get(key);
    if (waiter === undefined) return;
    this.waiters.delete(key);
    waiter.reject(error);
  }

  /** Fails every request whose deadline has passed. */
  expire(nowMs: number): void {
    for (const [key, waiter] of this.waiters) {
      if (waiter.deadlineMs > nowMs) continue;
      this.waiters.delete(key);
      waiter.reject(new PeerError('PEER_TIMEOUT', this.timeoutMessage));
    }
  }

  rejectAll(error: Error): void {
    const all = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of all) waiter.reject(error);
  }
}
