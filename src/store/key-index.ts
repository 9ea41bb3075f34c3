import { assert } from '../util/assert.js';
import { compareRevisions, type Revision } from './types.js';

/**
 * The revisions at which one key changed, split into generations as etcd's keyIndex:
 * a generation runs from a creation to the tombstone that ends it. Every generation but
 * the last ends with its tombstone; the last is empty when the key is currently deleted.
 *
 *   put@2 put@4 del@6 put@8  ->  [[2, 4, 6(tombstone)], [8]]
 */
export class KeyIndex {
  private generations: Revision[][] = [[]];

  isEmpty(): boolean {
    return this.generations.length === 1 && this.current().length === 0;
  }

  /** The latest change if the key currently exists (not deleted). */
  latest(): Revision | undefined {
    const current = this.current();
    return current[current.length - 1];
  }

  lastChange(): Revision | undefined {
    for (let index = this.generations.length - 1; index >= 0; index--) {
      const generation = this.generations[index] as Revision[];
      const last = generation[generation.length - 1];
      if (last !== undefined) return last;
    }
    return undefined;
  }

  put(revision: Revision): void {
    const last = this.lastChange();
    assert(last === undefined || compareRevisions(last, revision) < 0, 'key index revisions must grow');
    this.current().push(revision);
  }

  tombstone(revision: Revision): void {
    assert(this.current().length > 0, 'tombstone on a key that does not exist');
    this.put(revision);
    this.generations.push([]);
  }

  /** The revision holding the key's value as of main revision `atMain`, if it existed then. */
  get(atMain: number): Revision | undefined {
    const lastIndex = this.generations.length - 1;
    for (let index = lastIndex; index >= 0; index--) {
      const generation = this.generations[index] as Revision[];
      const first = generation[0];
      if (first === undefined) continue;
      if (index !== lastIndex) {
        const tombstone = generation[generation.length - 1] as Revision;
        if (tombstone.main <= atMain) return undefined;
      }
      if (first.main <= atMain) return lastAtOrBefore(generation, atMain);
    }
    return undefined;
  }

  /**
   * Forget what no read at `atMain` or later can see: whole generations whose tombstone is
   * at or before atMain, and in the first remaining generation every revision before the
   * one visible at atMain. Returns the forgotten revisions so history can drop them too.
   */
  compact(atMain: number): Revision[] {
    const dropped: Revision[] = [];
    const lastIndex = this.generations.length - 1;
    let firstKept = 0;
    while (firstKept < lastIndex) {
      const generation = this.generations[firstKept] as Revision[];
      const tombstone = generation[generation.length - 1] as Revision;
      if (tombstone.main > atMain) break;
      dropped.push(...generation);
      firstKept++;
    }
    this.generations = this.generations.slice(firstKept);
    const generation = this.generations[0] as Revision[];
    const keepFrom = lastIndexAtOrBefore(generation, atMain);
    if (keepFrom > 0) dropped.push(...generation.splice(0, keepFrom));
    return dropped;
  }

  private current(): Revision[] {
    return this.generations[this.generations.length - 1] as Revision[];
  }
}

function lastIndexAtOrBefore(revisions: readonly Revision[], atMain: number): number {
  let low = 0;
  let high = revisions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((revisions[middle] as Revision).main <= atMain) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

function lastAtOrBefore(revisions: readonly Revision[], atMain: number): Revision | undefined {
  const index = lastIndexAtOrBefore(revisions, atMain);
  return index < 0 ? undefined : revisions[index];
}
