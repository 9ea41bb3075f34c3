import { errCompacted, errFutureRevision } from './errors.js';
import type { MvccState } from './mvcc-state.js';

/**
 * The revision a read at `requested` sees (0 is the current one), or etcd's errors:
 * beyond the current revision is the future; below the compact revision is gone. Reading
 * at exactly the compact revision works, as compaction keeps what is visible there.
 */
export function checkReadRevision(state: MvccState, requested: number): number {
  if (requested > state.currentRevision) throw errFutureRevision(state.currentRevision, requested);
  if (requested <= 0) return state.currentRevision;
  if (requested < state.compactRevision) throw errCompacted(state.compactRevision, requested);
  return requested;
}
