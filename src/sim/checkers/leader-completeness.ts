import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';
import type { LogView } from './log-view.js';

interface CommittedEntry {
  readonly term: number;
  /**
   * An upper bound on the term in which the entry was committed: the term of the
   * first node seen applying it. A node's term is never below the term of the
   * leader whose commit index it learned, so the bound errs only towards
   * checking fewer leaders, never towards false alarms.
   */
  readonly committedByTerm: number;
}

/**
 * Leader completeness (Raft §5.4): if an entry is committed in a term, it is
 * present in the logs of the leaders of all later terms. Each leader's log is
 * checked when it first acts as leader and again as more entries commit.
 */
export class LeaderCompletenessChecker {
  /** committed[i] for the committed prefix 1..maxCommitted. */
  private readonly committed: (CommittedEntry | undefined)[] = [];
  private maxCommitted = 0;
  private readonly checkedThrough = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeCommitted(index: number, term: number, observerTerm: number): void {
    if (this.committed[index] !== undefined) return;
    this.committed[index] = { term, committedByTerm: observerTerm };
    if (index > this.maxCommitted) this.maxCommitted = index;
  }

  /** Called with a leader's log once everything it has appended is in that view. */
  observeLeaderLog(nodeId: NodeId, term: number, log: LogView): void {
    const key = `${nodeId}@${term}`;
    const from = Math.max(this.checkedThrough.get(key) ?? 0, log.firstIndex - 1) + 1;
    for (let index = from; index <= this.maxCommitted; index++) {
      const entry = this.committed[index];
      if (entry === undefined || entry.committedByTerm >= term) continue;
      const present = index <= log.lastIndex && log.termAt(index) === entry.term;
      if (present) continue;
      const found = index <= log.lastIndex ? `term ${log.termAt(index)}` : `nothing (last index ${log.lastIndex})`;
      this.sink.report({
        invariant: 'leader-completeness',
        tick: this.clock.tick,
        message:
          `leader ${nodeId} of term ${term} lacks committed entry ${index} (term ${entry.term}, ` +
          `committed by term ${entry.committedByTerm}); its log has ${found}`,
      });
      return;
    }
    this.checkedThrough.set(key, Math.max(from - 1, this.maxCommitted));
  }
}
