import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';

export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  readonly fingerprint: string;
}

interface CanonicalApply {
  readonly term: number;
  readonly fingerprint: string;
  readonly firstAppliedBy: NodeId;
}

/**
 * State machine safety (Raft §5.4.3): if a server has applied a log entry at a
 * given index, no other server ever applies a different entry at that index.
 *
 * The first apply at each index becomes canonical. Each node's state machine
 * also carries a chain hash over everything it has applied; restoring a
 * snapshot is checked by comparing that hash with the canonical one at the
 * snapshot's index, which covers the entries a node never applied one by one.
 */
export class StateMachineSafetyChecker {
  private readonly canonical: (CanonicalApply | undefined)[] = [];
  private readonly chainAt: (number | undefined)[] = [0];

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeApply(nodeId: NodeId, entry: AppliedEntry, chainAfter: number): void {
    const known = this.canonical[entry.index];
    if (known === undefined) {
      this.canonical[entry.index] = { term: entry.term, fingerprint: entry.fingerprint, firstAppliedBy: nodeId };
    } else if (known.term !== entry.term || known.fingerprint !== entry.fingerprint) {
      this.report(
        `${nodeId} applied "${entry.fingerprint}" (term ${entry.term}) at index ${entry.index}, ` +
          `but ${known.firstAppliedBy} applied "${known.fingerprint}" (term ${known.term})`,
      );
      return;
    }
    this.checkChain(nodeId, entry.index, chainAfter, 'after applying');
  }

  observeRestore(nodeId: NodeId, index: number, chain: number): void {
    this.checkChain(nodeId, index, chain, 'after restoring a snapshot at');
  }

  /** The canonical entry at an index, if any node has applied it. */
  appliedAt(index: number): AppliedEntry | undefined {
    const known = this.canonical[index];
    return known === undefined ? undefined : { index, term: known.term, fingerprint: known.fingerprint };
  }

  private checkChain(nodeId: NodeId, index: number, chain: number, what: string): void {
    const known = this.chainAt[index];
    if (known === undefined) {
      this.chainAt[index] = chain;
      return;
    }
    if (known === chain) return;
    this.report(`${nodeId} state machine history differs from the canonical one ${what} index ${index}`);
  }

  private report(message: string): void {
    this.sink.report({ invariant: 'state-machine-safety', tick: this.clock.tick, message });
  }
}
