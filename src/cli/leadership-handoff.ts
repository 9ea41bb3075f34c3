import type { RaftPeer } from '../peer/raft-peer.js';
import type { Logger } from '../util/logger.js';
import { sleepMs } from './stop-signal.js';

/**
 * Before a leader stops, it hands leadership to its most caught-up voter so the cluster
 * does not sit leaderless for an election timeout. Bounded: if the transfer does not
 * finish in time the peer stops anyway and the others elect a leader as usual.
 */
export async function handOffLeadership(peer: RaftPeer, logger: Logger, options: { waitMs: number; linkOpen: (id: string) => boolean }): Promise<void> {
  const { waitMs, linkOpen } = options;
  if (!peer.running) return;
  const status = peer.status();
  if (status.role !== 'leader') return;
  const candidates = Object.entries(status.progress ?? {})
    .filter(([id]) => id !== status.id && status.confState.voters.includes(id) && linkOpen(id))
    .sort(([, a], [, b]) => b.match - a.match);
  const target = candidates[0]?.[0];
  if (target === undefined) return;
  const startedMs = Date.now();
  peer.transferLeadership(target);
  // When the whole cluster stops at once the target goes too: give up as soon as its link closes.
  while (Date.now() - startedMs < waitMs && peer.running && linkOpen(target)) {
    const leader = peer.status().leader;
    if (leader !== status.id && leader !== '') {
      logger.info({ to: leader, ms: Date.now() - startedMs }, 'leadership handed off before stopping');
      return;
    }
    await sleepMs(10);
  }
  logger.warn({ target, waitMs, ms: Date.now() - startedMs }, 'leadership transfer did not finish; stopping anyway');
}
