import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';

/**
 * Election safety (Raft §5.2, figure 3): at most one leader can be elected in a
 * given term. Every time a node is seen acting as leader, its term is checked
 * against the leader already recorded for that term.
 */
export class ElectionSafetyChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeLeader(nodeId: NodeId, term: number): void {
    const known = this.leaderByTerm.get(term);
    if (known === undefined) {
      this.leaderByTerm.set(term, nodeId);
      return;
    }
    if (known === nodeId) return;
    this.sink.report({
      invariant: 'election-safety',
      tick: this.clock.tick,
      message: `two leaders in term ${term}: ${known} and ${nodeId}`,
    });
  }

  leaderOf(term: number): NodeId | undefined {
    return this.leaderByTerm.get(term);
  }
}
