import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';
import type { AppliedEntry } from './state-machine-safety.js';

interface Ack {
  readonly term: number;
  readonly fingerprint: string;
  readonly ackedBy: NodeId;
  readonly ackTick: number;
}

/**
 * Durability of acknowledged writes: a write acknowledged to a client (applied
 * on the node the client proposed to) stays at its index in the applied
 * history forever, on every node, including nodes replaying their log after a
 * crash. It is the client-visible face of "committed entries are never lost".
 */
export class AckedWritesChecker {
  private readonly acks = new Map<number, Ack>();
  private maxAckedIndex = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeAck(nodeId: NodeId, entry: AppliedEntry): void {
    this.acks.set(entry.index, {
      term: entry.term,
      fingerprint: entry.fingerprint,
      ackedBy: nodeId,
      ackTick: this.clock.tick,
    });
    if (entry.index > this.maxAckedIndex) this.maxAckedIndex = entry.index;
  }

  /** Every apply on every node, before it reaches the state machine safety checker. */
  observeApply(nodeId: NodeId, entry: AppliedEntry): void {
    const ack = this.acks.get(entry.index);
    if (ack === undefined) return;
    if (ack.term === entry.term && ack.fingerprint === entry.fingerprint) return;
    this.sink.report({
      invariant: 'acked-write-durability',
      tick: this.clock.tick,
      message:
        `write "${ack.fingerprint}" acknowledged by ${ack.ackedBy} at tick ${ack.ackTick} (index ${entry.index}, ` +
        `term ${ack.term}) is lost: ${nodeId} applied "${entry.fingerprint}" (term ${entry.term}) there instead`,
    });
  }

  /** The highest index acknowledged so far; a linearizable read must see at least this. */
  get highestAckedIndex(): number {
    return this.maxAckedIndex;
  }
}
