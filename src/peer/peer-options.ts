import type { EventTrace } from '../util/event-trace.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';
import type { DurableLog } from '../storage/index.js';
import type { Transport } from '../transport/index.js';
import type { NodeId } from '../raft/types.js';
import type { ReplicatedStateMachine } from './state-machine.js';

export interface PeerOptions {
  readonly id: NodeId;
  /** Founding members, used only when the data dir is new and `join` is false. */
  readonly initialVoters: readonly NodeId[];
  /** True for a peer added to a running cluster: it starts empty and waits for a snapshot. */
  readonly join?: boolean;
  readonly durableLog: DurableLog;
  readonly transport: Transport;
  readonly stateMachine: ReplicatedStateMachine;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Raft tick length: one heartbeat interval. */
  readonly tickMs: number;
  readonly electionTicks: number;
  /**
   * Snapshot and compact the log after this many applied entries, once the entries
   * applied since the last snapshot are also at least as large as its image.
   */
  readonly snapshotEveryEntries?: number;
  /**
   * Snapshot once the entries applied since the last snapshot hold this many bytes, even
   * before snapshotEveryEntries (still only once they are as large as its image): the log
   * held in memory stays bounded when entries are large.
   */
  readonly snapshotEveryBytes?: number;
  /** Entries kept behind a snapshot so slightly slow followers catch up from the log. */
  readonly compactionMarginEntries?: number;
  readonly requestTimeoutMs?: number;
  readonly maxPendingProposals?: number;
  readonly maxPendingReads?: number;
  readonly seed?: number;
  /** Called with the duration of every synced write of the Ready loop (metrics). */
  readonly observeFsyncMs?: (ms: number) => void;
  /** Called once if the peer stops on a fatal error (a failed fsync). */
  readonly onFatal?: (error: Error) => void;
  /** Marks the loop's steps (readable, turn, ready, write, written) and role changes (role) for latency and failover study. */
  readonly trace?: EventTrace;
}

export const PEER_DEFAULTS = {
  // etcd 3.4's --snapshot-count. A snapshot at one client costs the puts around it about
  // 0.5 ms of p99 (docs/benchmarks.md, "How often a peer snapshots"); snapshotEveryBytes
  // bounds the log held in memory when entries are large.
  snapshotEveryEntries: 100_000,
  // 100,000 entries of a few hundred bytes stay under it; of Kubernetes objects, they would not.
  snapshotEveryBytes: 64 * 1024 * 1024,
  compactionMarginEntries: 1_000,
  requestTimeoutMs: 7_000,
  maxPendingProposals: 10_000,
  maxPendingReads: 10_000,
} as const;
