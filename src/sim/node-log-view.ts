import type { MemoryStorage } from '../raft/memory-storage.js';
import type { Entry } from '../raft/types.js';
import type { LogView } from './checkers/log-view.js';
import { entryFingerprint } from './entry-text.js';

/** A checker's view of a node's persisted log (its MemoryStorage). */
export class NodeLogView implements LogView {
  constructor(private readonly storage: MemoryStorage) {}

  get firstIndex(): number {
    return this.storage.firstIndex();
  }

  get lastIndex(): number {
    return this.storage.lastIndex();
  }

  termAt(index: number): number {
    return this.storage.term(index);
  }

  fingerprintAt(index: number): string {
    return entryFingerprint(this.storage.entries(index, index + 1)[0] as Entry);
  }
}
