import { encodeOp, type StoreStateMachine } from '../store/index.js';
import type { BasicStatus } from '../raft/raw-node.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { RaftPeer } from './raft-peer.js';

export interface LeaseKeeperOptions {
  readonly peer: RaftPeer;
  readonly store: StoreStateMachine;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long every lease is extended when a new leader takes over (etcd: the election timeout). */
  readonly promoteExtendMs: number;
  /** How often the leader looks for expired leases. */
  readonly checkEveryMs: number;
  /** Most leases revoked per check. */
  readonly revokeBatchMax: number;
}

/**
 * Lease expiry is decided by the leader alone and replicated, so every peer deletes
 * the same keys at the same revision (as etcd's lessor does on its primary).
 *
 * A new leader first proposes leasePromote: every lease gets its TTL again from the
 * new leader's clock, so keep-alives that went to the old leader, or a clock that
 * differs between hosts, can never expire a lease early. Only once that promotion
 * is applied does the leader revoke leases whose deadline has passed.
 */
export class LeaseKeeper {
  private promotedTerm = 0;
  private promotingTerm = 0;
  private lastCheckMs = 0;
  private readonly revoking = new Set<string>();

  constructor(private readonly options: LeaseKeeperOptions) {}

  onTick(status: BasicStatus): void {
    if (status.role !== 'leader') {
      this.promotedTerm = 0;
      return;
    }
    if (this.promotedTerm !== status.term) {
      if (this.promotingTerm !== status.term) this.promote(status.term);
      return;
    }
    const nowMs = this.options.clock.nowMs();
    if (nowMs - this.lastCheckMs < this.options.checkEveryMs) return;
    this.lastCheckMs = nowMs;
    for (const id of this.options.store.expiredLeases(nowMs, this.options.revokeBatchMax)) this.revoke(id);
  }

  private promote(term: number): void {
    this.promotingTerm = term;
    const op = encodeOp({ type: 'leasePromote', nowMs: this.options.clock.nowMs(), extendMs: this.options.promoteExtendMs });
    this.options.peer.propose(op).then(
      () => {
        if (this.promotingTerm === term) this.promotedTerm = term;
      },
      (error: Error) => {
        // Lost leadership or timed out: the next tick as leader tries again.
        this.promotingTerm = 0;
        this.options.logger.warn({ err: error.message, term }, 'lease promotion failed');
      },
    );
  }

  private revoke(id: string): void {
    if (this.revoking.has(id)) return;
    this.revoking.add(id);
    this.options.peer
      .propose(encodeOp({ type: 'leaseRevoke', request: { id } }))
      .catch((error: Error) => this.options.logger.warn({ err: error.message, lease: id }, 'expiring a lease failed'))
      .finally(() => this.revoking.delete(id));
  }
}
