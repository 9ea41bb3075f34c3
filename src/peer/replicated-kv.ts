import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkTxnRequest,
  encodeOp,
  type ApplyResult,
  type StoreOp,
  type StoreOpType,
  type StoreResponseMap,
  type StoreOptions,
  type StoreStateMachine,
  type WatchCreateRequest,
  type WatchResponse,
} from '../store/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type {
  ClusterHeader,
  KvStore,
  Member,
  MemberStatus,
  ReadOptions,
  WatchHandle,
  WithHeader,
} from './kv-store.js';
import { PeerError } from './errors.js';
import { LeaseKeeper } from './lease-keeper.js';
import { memberIdOf } from './member-id.js';
import { MembershipService } from './membership-service.js';
import type { RaftPeer } from './raft-peer.js';

export interface ReplicatedKvOptions {
  readonly peer: RaftPeer;
  readonly store: StoreStateMachine;
  /** The cluster's name (cluster_id is derived from it). */
  readonly clusterName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Leases are extended by this much when a new leader takes over; use the election timeout. */
  readonly leasePromoteExtendMs: number;
  readonly leaseCheckEveryMs?: number;
  /** Called with each write's latency from proposal to local apply. */
  readonly observeProposalMs?: (ms: number) => void;
  readonly version?: string;
}

type Op<T extends StoreOpType> = StoreOp & { readonly type: T };

/**
 * etcd's KV, Lease, Watch, Cluster and Maintenance services over one peer's copy of
 * the replicated store. Writes go through Raft and resolve after commit and local
 * apply; reads wait for a ReadIndex barrier unless serializable; watches and
 * serializable reads are served from this peer's copy.
 */
export class ReplicatedKv implements KvStore {
  readonly clusterId: string;
  readonly memberId: string;
  private readonly membership: MembershipService;

  constructor(private readonly options: ReplicatedKvOptions) {
    this.clusterId = memberIdOf(`cluster:${options.clusterName}`);
    this.memberId = memberIdOf(options.peer.id);
    this.membership = new MembershipService(options.peer);
    const keeper = new LeaseKeeper({
      peer: options.peer,
      store: options.store,
      clock: options.clock,
      logger: options.logger,
      promoteExtendMs: options.leasePromoteExtendMs,
      checkEveryMs: options.leaseCheckEveryMs ?? 500,
      revokeBatchMax: 100,
    });
    options.peer.onTick((status) => keeper.onTick(status));
  }

  // ── KV ─────────────────────────────────────────────────────────────────────

  async range(request: Op<'range'>['request'], options: ReadOptions = {}): Promise<WithHeader<StoreResponseMap['range']>> {
    await this.readBarrier(options);
    return this.withHeader(this.options.store.range(request));
  }

  put(request: Op<'put'>['request']): Promise<WithHeader<StoreResponseMap['put']>> {
    return this.write({ type: 'put', request });
  }

  deleteRange(request: Op<'deleteRange'>['request']): Promise<WithHeader<StoreResponseMap['deleteRange']>> {
    return this.write({ type: 'deleteRange', request });
  }

  /** A txn whose every branch only reads is served like a range: no log entry. */
  async txn(request: Op<'txn'>['request']): Promise<WithHeader<StoreResponseMap['txn']>> {
    if (isReadOnlyTxn(request)) {
      await this.readBarrier({});
      return this.unwrap(this.options.store.apply({ type: 'txn', request }));
    }
    return this.write({ type: 'txn', request });
  }

  compact(request: Op<'compact'>['request']): Promise<WithHeader<StoreResponseMap['compact']>> {
    return this.write({ type: 'compact', request });
  }

  // ── Lease ──────────────────────────────────────────────────────────────────

  leaseGrant(request: Op<'leaseGrant'>['request']): Promise<WithHeader<StoreResponseMap['leaseGrant']>> {
    return this.write({ type: 'leaseGrant', request, nowMs: this.options.clock.nowMs() });
  }

  leaseRevoke(request: Op<'leaseRevoke'>['request']): Promise<WithHeader<StoreResponseMap['leaseRevoke']>> {
    return this.write({ type: 'leaseRevoke', request });
  }

  leaseKeepAlive(request: Op<'leaseKeepAlive'>['request']): Promise<WithHeader<StoreResponseMap['leaseKeepAlive']>> {
    return this.write({ type: 'leaseKeepAlive', request, nowMs: this.options.clock.nowMs() });
  }

  async leaseTimeToLive(request: Parameters<StoreStateMachine['leaseTimeToLive']>[0]) {
    await this.readBarrier({});
    return this.withHeader(this.options.store.leaseTimeToLive(request, this.options.clock.nowMs()));
  }

  async leaseLeases() {
    await this.readBarrier({});
    return this.withHeader(this.options.store.leaseLeases());
  }

  // ── Watch ──────────────────────────────────────────────────────────────────

  watch(request: WatchCreateRequest, listener: (response: WithHeader<WatchResponse>) => boolean | void): WatchHandle {
    const watches = this.options.store.watches;
    const created = this.options.store.watch(request, (response) => listener(this.withHeader(response)));
    let cancelled = false;
    return {
      watchId: created.watchId,
      startRevision: created.startRevision,
      header: this.header(created.revision),
      start: () => {
        if (!cancelled) watches.resume(created.watchId);
      },
      requestProgress: () => {
        if (!cancelled) watches.progress([created.watchId]);
      },
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        watches.cancel(created.watchId);
      },
    };
  }

  // ── Cluster and Maintenance ────────────────────────────────────────────────

  status(): MemberStatus {
    const s = this.options.peer.status();
    const isLearner = s.confState.learners.includes(s.id);
    const followers: Record<string, { match: number; lag: number }> = {};
    for (const [id, pr] of Object.entries(s.progress ?? {})) followers[id] = { match: pr.match, lag: Math.max(0, s.lastIndex - pr.match) };
    return {
      header: this.header(this.options.store.revision),
      version: this.options.version ?? '3.5.0',
      dbSize: this.options.store.kv.state.history.bytes,
      leader: s.leader === '' ? '0' : memberIdOf(s.leader),
      leaderName: s.leader,
      name: s.id,
      role: isLearner ? 'learner' : s.role,
      raftIndex: s.commit,
      raftTerm: s.term,
      raftAppliedIndex: s.appliedIndex,
      commitIndex: s.commit,
      snapshotIndex: s.snapshotIndex,
      isLearner,
      errors: !this.options.peer.running ? ['peer stopped'] : this.options.peer.removed ? [REMOVED] : [],
      ...(s.role === 'leader' ? { followers } : {}),
    };
  }

  async memberList(options: ReadOptions = {}): Promise<WithHeader<{ members: Member[] }>> {
    await this.readBarrier(options);
    return this.withHeader({ members: this.membership.list() });
  }

  async memberAdd(request: Parameters<MembershipService['add']>[0]) {
    const added = await this.membership.add(request);
    return this.withHeader(added);
  }

  async memberRemove(request: { id: string }) {
    return this.withHeader({ members: await this.membership.remove(request.id) });
  }

  async memberPromote(request: { id: string }) {
    return this.withHeader({ members: await this.membership.promote(request.id) });
  }

  async moveLeader(request: { targetId: string }): Promise<WithHeader<Record<string, never>>> {
    await this.membership.moveLeader(request.targetId);
    return this.withHeader({} as Record<string, never>);
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  private async readBarrier(options: ReadOptions): Promise<void> {
    if (options.serializable !== true) await this.options.peer.readBarrier();
  }

  private async write<T extends StoreOpType>(op: Op<T>): Promise<WithHeader<StoreResponseMap[T]>> {
    checkBeforeProposing(op, this.options.store.options);
    // A removed member hears from no leader again: its writes would only time out.
    if (this.options.peer.removed) throw new PeerError('PEER_STOPPED', `etcdserver: ${REMOVED}`);
    const startedMs = this.options.clock.nowMs();
    const result = (await this.options.peer.propose(encodeOp(op))) as ApplyResult<T>;
    this.options.observeProposalMs?.(this.options.clock.nowMs() - startedMs);
    return this.unwrap(result);
  }

  private unwrap<T extends StoreOpType>(result: ApplyResult<T>): WithHeader<StoreResponseMap[T]> {
    if (!result.ok) throw result.error;
    return this.withHeader(result.response);
  }

  private header(revision: number): ClusterHeader {
    return { clusterId: this.clusterId, memberId: this.memberId, revision, raftTerm: this.options.peer.term };
  }

  private withHeader<T extends object>(response: T): WithHeader<T> {
    const revision = (response as { header?: { revision?: number } }).header?.revision ?? this.options.store.revision;
    return { ...response, header: this.header(revision) };
  }
}

function isReadOnlyTxn(request: Op<'txn'>['request']): boolean {
  const ops = [...(request.success ?? []), ...(request.failure ?? [])];
  return ops.every((op) => 'requestRange' in op || ('requestTxn' in op && isReadOnlyTxn(op.requestTxn)));
}

/**
 * The request checks etcd's v3rpc makes before proposing (apply makes them again): a
 * request that fails one never takes a place in the log.
 */
function checkBeforeProposing(op: Op<StoreOpType>, options: StoreOptions): void {
  if (op.type === 'put') checkPutRequest((op as Op<'put'>).request, options);
  else if (op.type === 'deleteRange') checkDeleteRangeRequest((op as Op<'deleteRange'>).request, options);
  else if (op.type === 'txn') checkTxnRequest((op as Op<'txn'>).request, options);
}

const REMOVED = 'the member has been permanently removed from the cluster';
