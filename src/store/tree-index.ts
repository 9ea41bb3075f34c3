import { assert } from '../util/assert.js';
import type { KeyInterval, KeyString } from './bytes.js';
import { KeyIndex } from './key-index.js';
import { SortedKeys } from './sorted-keys.js';
import type { Revision } from './types.js';

export interface IndexedRevision {
  readonly key: KeyString;
  readonly revision: Revision;
}

/** Every key that has history, in byte order, each with its KeyIndex (etcd's treeIndex). */
export class TreeIndex {
  private readonly byKey = new Map<KeyString, KeyIndex>();
  private readonly sorted = new SortedKeys();

  get keysCount(): number {
    return this.sorted.size;
  }

  put(key: KeyString, revision: Revision): void {
    let keyIndex = this.byKey.get(key);
    if (keyIndex === undefined) {
      keyIndex = new KeyIndex();
      this.byKey.set(key, keyIndex);
      this.sorted.insert(key);
    }
    keyIndex.put(revision);
  }

  tombstone(key: KeyString, revision: Revision): void {
    const keyIndex = this.byKey.get(key);
    assert(keyIndex !== undefined, 'tombstone on an unindexed key');
    keyIndex.tombstone(revision);
  }

  /** The latest revision of a key that currently exists. */
  latest(key: KeyString): Revision | undefined {
    return this.byKey.get(key)?.latest();
  }

  get(key: KeyString, atMain: number): Revision | undefined {
    return this.byKey.get(key)?.get(atMain);
  }

  /** The keys in the interval that existed at `atMain`, in key order, with their revisions. */
  *range(interval: KeyInterval, atMain: number): Generator<IndexedRevision> {
    for (const key of this.sorted.inInterval(interval)) {
      const revision = (this.byKey.get(key) as KeyIndex).get(atMain);
      if (revision !== undefined) yield { key, revision };
    }
  }

  /** Compacts every key index; returns the revisions no longer reachable. */
  compact(atMain: number): Revision[] {
    const dropped: Revision[] = [];
    const emptied: KeyString[] = [];
    for (const key of this.sorted.all()) {
      const keyIndex = this.byKey.get(key) as KeyIndex;
      for (const revision of keyIndex.compact(atMain)) dropped.push(revision);
      if (keyIndex.isEmpty()) emptied.push(key);
    }
    for (const key of emptied) {
      this.byKey.delete(key);
      this.sorted.remove(key);
    }
    return dropped;
  }
}
