import { RaftPeer } from '../peer/raft-peer.js';
import { ReplicatedKv } from '../peer/replicated-kv.js';
import { StoreMachine } from '../peer/store-machine.js';
import type { MemberInfo } from '../peer/member-directory.js';
import { LevelDurableLog, openPeerDataDir, type PeerDataDir } from '../storage/index.js';
import { StoreStateMachine } from '../store/index.js';
import { WsTransport } from '../transport/index.js';
import { SystemClock } from '../util/clock.js';
import { NO_TRACE, type EventTrace } from '../util/event-trace.js';
import type { Logger } from '../util/logger.js';
import { createApiMetrics, type ApiMetrics } from '../apiserver/metrics.js';
import { CliError, asListenError } from './cli-error.js';
import { apiUrlOf, peerUrlOf, type ClusterConfig, type PeerSpec } from './cluster-config.js';
import { resolveClusterSecret } from './cluster-secret-source.js';
import { handOffLeadership } from './leadership-handoff.js';
import { TimedDurableLog } from './timed-durable-log.js';

const RECONNECT_MAX_MS = 1_000;

export interface PeerRuntimeOptions {
  readonly config: ClusterConfig;
  readonly id: string;
  /** 'existing': join a running cluster with an empty data dir (added first as a member). */
  readonly initialClusterState: 'new' | 'existing';
  readonly logger: Logger;
  /** Called once if the peer stops on a fatal disk error. */
  readonly onFatal: (error: Error) => void;
  /** The loop's and the API's steps, for latency study (RAFTPLANE_TRACE_DIR). */
  readonly trace?: EventTrace;
  /** Keep zeros written ahead of LevelDB's log (RAFTPLANE_WAL_PREALLOCATE); on by default. */
  readonly walPreallocation?: boolean;
}

export interface PeerRuntime {
  readonly spec: PeerSpec;
  readonly peer: RaftPeer;
  readonly kv: ReplicatedKv;
  readonly metrics: ApiMetrics;
  readonly transport: WsTransport;
  readonly trace: EventTrace;
  /** Hands off leadership (bounded), then stops raft, transport and disk, and releases the data dir. */
  stop(): Promise<void>;
}

/** One peer's composition: data dir → durable log → transport → store → raft → KV. */
export async function startPeerRuntime(options: PeerRuntimeOptions): Promise<PeerRuntime> {
  const { config, id, logger } = options;
  const spec = config.peers.find((p) => p.id === id);
  if (spec === undefined) {
    throw new CliError('CLI_USAGE', `peer ${id} is not in ${config.file} (peers: ${config.peers.map((p) => p.id).join(', ')})`);
  }
  const secret = await resolveClusterSecret(config);
  const dataDir = await openPeerDataDir({ dataDir: config.dataDir, clusterId: config.name, peerId: id });
  try {
    return await compose(options, spec, secret, dataDir);
  } catch (error) {
    await dataDir.release();
    throw error;
  }
}

async function compose(options: PeerRuntimeOptions, spec: PeerSpec, secret: Uint8Array, dataDir: PeerDataDir): Promise<PeerRuntime> {
  const { config, logger } = options;
  const trace = options.trace ?? NO_TRACE;
  const clock = new SystemClock();
  const members: MemberInfo[] = config.peers.map((p) => ({ id: p.id, peerUrl: peerUrlOf(p), clientUrl: apiUrlOf(p) }));
  const transport = new WsTransport({
    selfId: spec.id,
    clusterId: config.name,
    secret,
    listen: { host: spec.host, port: spec.peerPort },
    peers: Object.fromEntries(config.peers.map((p) => [p.id, { host: p.host, port: p.peerPort }])),
    logger,
    clock,
    // A restarted peer should be reached again within about a second, not the default 5 s.
    limits: { reconnectMaxMs: RECONNECT_MAX_MS },
  });
  // Gauges read the KV only when scraped, after it exists.
  let kvRef: ReplicatedKv | undefined;
  const raftLog = new LevelDurableLog({ location: dataDir.logDir, ...(options.walPreallocation === false ? { walPreallocation: false } : {}) });
  const metrics = createApiMetrics({
    store: { status: () => (kvRef as ReplicatedKv).status() },
    transportStats: () => transport.stats(),
    durableLogStats: () => raftLog.stats(),
    processMetrics: true,
  });
  const store = new StoreStateMachine();
  const electionTicks = Math.max(3, Math.round(config.raft.electionTimeoutMs / config.raft.heartbeatMs));
  const peer = new RaftPeer(
    {
      id: spec.id,
      initialVoters: config.peers.map((p) => p.id),
      join: options.initialClusterState === 'existing',
      durableLog: new TimedDurableLog(raftLog, (ms) => metrics.observeFsyncMs(ms)),
      transport,
      stateMachine: new StoreMachine(store),
      logger,
      clock,
      tickMs: config.raft.heartbeatMs,
      electionTicks,
      ...(config.raft.snapshotEveryEntries !== undefined ? { snapshotEveryEntries: config.raft.snapshotEveryEntries } : {}),
      ...(config.raft.snapshotEveryBytes !== undefined ? { snapshotEveryBytes: config.raft.snapshotEveryBytes } : {}),
      ...(config.raft.compactionMarginEntries !== undefined ? { compactionMarginEntries: config.raft.compactionMarginEntries } : {}),
      onFatal: options.onFatal,
      trace,
    },
    members,
  );
  await peer.start().catch((error: unknown) => {
    throw asListenError(error, `peer links on ${spec.host}:${spec.peerPort}`);
  });
  const kv = new ReplicatedKv({
    peer,
    store,
    clusterName: config.name,
    clock,
    logger,
    leasePromoteExtendMs: config.raft.electionTimeoutMs,
    observeProposalMs: (ms) => metrics.observeProposalMs(ms),
  });
  kvRef = kv;
  // The metric's own look at the leader builds a whole status: only when the leader changed.
  let leaderSeen: string | undefined;
  peer.onTick(({ leader }) => {
    if (leader === leaderSeen) return;
    leaderSeen = leader;
    metrics.noteLeader();
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await handOffLeadership(peer, logger, {
        waitMs: Math.min(3_000, 2 * config.raft.electionTimeoutMs),
        linkOpen: (id) => transport.stats().peers[id]?.state === 'open',
      });
      await peer.stop();
      await dataDir.release();
    })());
  return { spec, peer, kv, metrics, transport, trace, stop };
}
