import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';
import type { LogView } from './log-view.js';

interface EntryIdentity {
  readonly fingerprint: string;
  readonly prevTerm: number;
  readonly firstSeenOn: NodeId;
}

export interface AppendedEntry {
  readonly index: number;
  readonly term: number;
  readonly fingerprint: string;
  /** Term of the entry just before this one in the log it was appended to. */
  readonly prevTerm: number;
}

/**
 * Log matching (Raft §5.3): if two logs contain an entry with the same index
 * and term, the logs are identical in all entries up to that index.
 *
 * Checked two ways. Incrementally: every entry that enters any log is keyed by
 * (index, term) and must always carry the same payload and the same previous
 * term; by induction over the previous entry that proves the whole prefix is
 * identical. And by a periodic full scan that compares every pair of logs, which
 * also catches a log changed behind the incremental check's back.
 */
export class LogMatchingChecker {
  private readonly identities = new Map<number, EntryIdentity>();

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeAppend(nodeId: NodeId, entry: AppendedEntry): void {
    const key = identityKey(entry.index, entry.term);
    const known = this.identities.get(key);
    if (known === undefined) {
      this.identities.set(key, { fingerprint: entry.fingerprint, prevTerm: entry.prevTerm, firstSeenOn: nodeId });
      return;
    }
    if (known.fingerprint === entry.fingerprint && known.prevTerm === entry.prevTerm) return;
    this.sink.report({
      invariant: 'log-matching',
      tick: this.clock.tick,
      message:
        `entry at index ${entry.index} term ${entry.term} differs: ${known.firstSeenOn} has ` +
        `${describe(known.fingerprint, known.prevTerm)}, ${nodeId} has ${describe(entry.fingerprint, entry.prevTerm)}`,
    });
  }

  /** Compares every pair of logs over their common range. */
  scan(logs: ReadonlyMap<NodeId, LogView>): void {
    const ids = [...logs.keys()].sort();
    for (let a = 0; a < ids.length; a++) {
      for (let b = a + 1; b < ids.length; b++) {
        const idA = ids[a] as NodeId;
        const idB = ids[b] as NodeId;
        const problem = comparePair(logs.get(idA) as LogView, logs.get(idB) as LogView);
        if (problem === undefined) continue;
        this.sink.report({
          invariant: 'log-matching',
          tick: this.clock.tick,
          message: `logs of ${idA} and ${idB} agree on index ${problem.matchIndex} term ${problem.matchTerm} but differ at index ${problem.diffIndex}`,
        });
        return;
      }
    }
  }
}

function identityKey(index: number, term: number): number {
  // Terms stay far below 2^20 in a simulation; indexes far below 2^32.
  return index * 1_048_576 + term;
}

function describe(fingerprint: string, prevTerm: number): string {
  return `"${fingerprint}" after term ${prevTerm}`;
}

interface PairProblem {
  readonly matchIndex: number;
  readonly matchTerm: number;
  readonly diffIndex: number;
}

function comparePair(a: LogView, b: LogView): PairProblem | undefined {
  const lo = Math.max(a.firstIndex, b.firstIndex);
  const hi = Math.min(a.lastIndex, b.lastIndex);
  let match = hi;
  while (match >= lo && a.termAt(match) !== b.termAt(match)) match--;
  for (let i = match; i >= lo; i--) {
    const same = a.termAt(i) === b.termAt(i) && a.fingerprintAt(i) === b.fingerprintAt(i);
    if (!same) return { matchIndex: match, matchTerm: a.termAt(match), diffIndex: i };
  }
  return undefined;
}
