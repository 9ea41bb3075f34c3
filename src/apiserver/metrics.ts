import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KvStore } from '../peer/kv-store.js';
import type { DurableLogStats } from '../storage/index.js';
import type { TransportStats } from '../transport/transport.js';

export interface ApiMetricsOptions {
  readonly store: Pick<KvStore, 'status'>;
  /** The peer links' counters (WsTransport.stats()), read on each scrape. */
  readonly transportStats?: () => TransportStats;
  /** The Raft log's counters (DurableLog.stats()), read on each scrape. */
  readonly durableLogStats?: () => DurableLogStats;
  readonly registry?: Registry;
  /**
   * Also the process's own metrics, as etcd's Go client exports them: CPU, resident memory,
   * open fds, and Node's heap sizes, GC pauses by kind and event-loop delay. Once per
   * process (the peer's), since they describe the process, not one registry.
   */
  readonly processMetrics?: boolean;
}

/**
 * A peer's Prometheus metrics, named after etcd's (etcd_server_has_leader → raftplane_server_has_leader
 * and so on) so that etcd dashboards carry over. Gauges are read from the peer on each scrape;
 * the histograms are observed by the code that measures them (the peer composition).
 */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Write latency from proposal to local apply, in seconds. */
  readonly proposalDurationSeconds: Histogram;
  /** LevelDB synced-batch latency, in seconds. */
  readonly fsyncDurationSeconds: Histogram;
  readonly watchers: Gauge;
  /** Convenience for callbacks that measure in milliseconds (ReplicatedKv's observeProposalMs). */
  observeProposalMs(ms: number): void;
  observeFsyncMs(ms: number): void;
  /** Looks at the peer's leader now; call it on ticks so leader changes between scrapes are counted. */
  noteLeader(): void;
}

/** Latency buckets from 1 ms to ~8 s, doubling, as etcd's disk and proposal histograms use. */
const LATENCY_BUCKETS_SECONDS = Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i);
const GC_BUCKETS_SECONDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

export function createApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const registry = options.registry ?? new Registry();
  const status = (): ReturnType<KvStore['status']> => options.store.status();
  let lastLeader = '0';
  const leaderChanges = new Counter({ name: 'raftplane_server_leader_changes_seen_total', help: 'Leader changes seen by this peer.', registers: [registry] });
  const noteLeader = (): void => {
    const leader = status().leader;
    if (leader !== '0' && leader !== lastLeader) leaderChanges.inc();
    if (leader !== '0') lastLeader = leader;
  };
  gauge(registry, 'raftplane_server_has_leader', 'Whether a leader is known to this peer (1) or not (0).', () => {
    noteLeader();
    return status().leader === '0' ? 0 : 1;
  });
  gauge(registry, 'raftplane_server_raft_term', 'The Raft term this peer is in.', () => status().raftTerm);
  gauge(registry, 'raftplane_server_commit_index', 'The highest Raft index this peer knows is committed.', () => status().commitIndex);
  gauge(registry, 'raftplane_server_applied_index', 'The highest Raft index applied to this peer\'s store.', () => status().raftAppliedIndex);
  if (options.transportStats !== undefined) peerByteCounters(registry, options.transportStats);
  if (options.durableLogStats !== undefined) diskCounters(registry, options.durableLogStats);
  const proposalDurationSeconds = new Histogram({
    name: 'raftplane_server_proposal_duration_seconds',
    help: 'Time from proposing a write to applying it on this peer.',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const fsyncDurationSeconds = new Histogram({
    name: 'raftplane_disk_fsync_duration_seconds',
    help: 'Latency of synced writes of the Raft log.',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const watchers = new Gauge({ name: 'raftplane_mvcc_watchers', help: 'Watchers open on this peer\'s API.', registers: [registry] });
  // GC pauses are what a peer's latency tail is made of (docs/benchmarks.md): buckets from
  // 0.5 ms, where prom-client's default starts at 1 ms and jumps to 10.
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, gcDurationBuckets: GC_BUCKETS_SECONDS });
  return {
    registry,
    proposalDurationSeconds,
    fsyncDurationSeconds,
    watchers,
    observeProposalMs: (ms) => proposalDurationSeconds.observe(ms / 1000),
    observeFsyncMs: (ms) => fsyncDurationSeconds.observe(ms / 1000),
    noteLeader,
  };
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** The Raft log counts its writes itself; each scrape copies its running totals. */
function diskCounters(registry: Registry, stats: () => DurableLogStats): void {
  const copy = (name: string, help: string, field: keyof DurableLogStats): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats()[field]);
      },
    });
  };
  copy('raftplane_disk_synced_writes_total', 'Synced (fsynced) write batches of the Raft log, snapshot chunk batches included.', 'syncedWrites');
  copy('raftplane_disk_snapshot_written_bytes_total', 'Bytes of snapshot chunk records written.', 'snapshotBytesWritten');
  copy(
    'raftplane_disk_snapshot_shared_bytes_total',
    'Bytes of snapshot images not written again because an earlier snapshot\'s chunk records hold them.',
    'snapshotBytesShared',
  );
}

/** The transport counts bytes itself; each scrape copies its running totals. */
function peerByteCounters(registry: Registry, stats: () => TransportStats): void {
  const copy = (name: string, help: string, label: 'To' | 'From', field: 'bytesSent' | 'bytesReceived'): void => {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [peer, peerStats] of Object.entries(stats().peers)) this.inc({ [label]: peer }, peerStats[field]);
      },
    });
  };
  copy('raftplane_network_peer_sent_bytes_total', 'Bytes sent to each peer over the peer links.', 'To', 'bytesSent');
  copy('raftplane_network_peer_received_bytes_total', 'Bytes received from each peer over the peer links.', 'From', 'bytesReceived');
}
