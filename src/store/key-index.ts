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
  /**
   * Each generation flat, as [main, sub, main, sub, …]: numbers, not a {main, sub} object
   * per change, since a key index holds one per write and every major GC traces them all.
   * Reads make the Revision objects they return.
   */
  private generations: number[][] = [[]];

  isEmpty(): boolean {
    return this.generations.length === 1 && this.current().length === 0;
  }

  /** The latest change if the key currently exists (not deleted). */
  latest(): Revision | undefined {
    const current = this.current();
    return current.length === 0 ? undefined : revisionAt(current, current.length / 2 - 1);
  }

  lastChange(): Revision | undefined {
    for (let index = this.generations.length - 1; index >= 0; index--) {
      const generation = this.generations[index] as number[];
      if (generation.length > 0) return revisionAt(generation, generation.length / 2 - 1);
    }
    return undefined;
  }

  put(revision: Revision): void {
    const last = this.lastChange();
    assert(last === undefined || compareRevisions(last, revision) < 0, 'key index revisions must grow');
    this.current().push(revision.main, revision.sub);
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
      const generation = this.generations[index] as number[];
      if (generation.length === 0) continue;
      if (index !== lastIndex) {
        const tombstoneMain = generation[generation.length - 2] as number;
        if (tombstoneMain <= atMain) return undefined;
      }
      if ((generation[0] as number) <= atMain) {
        const at = lastIndexAtOrBefore(generation, atMain);
        return at < 0 ? undefined : revisionAt(generation, at);
      }
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
      const generation = this.generations[firstKept] as number[];
      const tombstoneMain = generation[generation.length - 2] as number;
      if (tombstoneMain > atMain) break;
      pushRevisions(dropped, generation, generation.length / 2);
      firstKept++;
    }
    this.generations = this.generations.slice(firstKept);
    const generation = this.generations[0] as number[];
    const keepFrom = lastIndexAtOrBefore(generation, atMain);
    if (keepFrom > 0) {
      pushRevisions(dropped, generation, keepFrom);
      generation.splice(0, keepFrom * 2);
    }
    return dropped;
  }

  private current(): number[] {
    return this.generations[this.generations.length - 1] as number[];
  }
}

function revisionAt(generation: readonly number[], at: number): Revision {
  return { main: generation[at * 2] as number, sub: generation[at * 2 + 1] as number };
}

function pushRevisions(into: Revision[], generation: readonly number[], count: number): void {
  for (let at = 0; at < count; at++) into.push(revisionAt(generation, at));
}

/** The position (in revisions, not numbers) of the last revision at or before atMain, or -1. */
function lastIndexAtOrBefore(generation: readonly number[], atMain: number): number {
  let low = 0;
  let high = generation.length / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((generation[middle * 2] as number) <= atMain) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
