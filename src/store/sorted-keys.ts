import { assert } from '../util/assert.js';
import type { KeyInterval, KeyString } from './bytes.js';

/**
 * The set of indexed keys in byte order: a sorted array with binary search. Lookups and
 * range starts are O(log n); inserting or removing a key is O(n) for the array shift,
 * which is cheap for the tens of thousands of keys a control plane holds. A B-tree can
 * replace it behind this interface if that stops being true.
 */
export class SortedKeys {
  private readonly keys: KeyString[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= key. */
  lowerBound(key: KeyString): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.keys[middle] as KeyString) < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  has(key: KeyString): boolean {
    return this.keys[this.lowerBound(key)] === key;
  }

  insert(key: KeyString): void {
    const index = this.lowerBound(key);
    assert(this.keys[index] !== key, 'key already in the sorted set');
    this.keys.splice(index, 0, key);
  }

  remove(key: KeyString): void {
    const index = this.lowerBound(key);
    assert(this.keys[index] === key, 'removing a key that is not in the sorted set');
    this.keys.splice(index, 1);
  }

  /** The keys inside the interval, in order. */
  *inInterval(interval: KeyInterval): Generator<KeyString> {
    if (interval.single) {
      if (this.has(interval.low)) yield interval.low;
      return;
    }
    for (let index = this.lowerBound(interval.low); index < this.keys.length; index++) {
      const key = this.keys[index] as KeyString;
      if (interval.high !== undefined && key >= interval.high) return;
      yield key;
    }
  }

  *all(): Generator<KeyString> {
    yield* this.keys;
  }
}
