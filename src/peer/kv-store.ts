import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../store/index.js';

/**
 * The store interface a peer exports to the API layer (src/apiserver): etcd v3's KV,
 * Lease, Watch, Maintenance and Cluster services over the replicated MVCC store.
 *
 * Writes resolve after commit and local apply. Reads are linearizable unless
 * `serializable` is set. Failures reject with a StoreError or PeerError whose message
 * is etcd's own ("etcdserver: ...", "mvcc: ...").
 */
export interface KvStore {
  range(request: RangeRequest, options?: ReadOptions): Promise<WithHeader<RangeResponse>>;
  put(request: PutRequest): Promise<WithHeader<PutResponse>>;
  deleteRange(request: DeleteRangeRequest): Promise<WithHeader<DeleteRangeResponse>>;
  txn(request: TxnRequest): Promise<WithHeader<TxnResponse>>;
  compact(request: CompactionRequest): Promise<WithHeader<CompactionResponse>>;

  leaseGrant(request: LeaseGrantRequest): Promise<WithHeader<LeaseGrantResponse>>;
  leaseRevoke(request: LeaseRevokeRequest): Promise<WithHeader<LeaseRevokeResponse>>;
  leaseKeepAlive(request: LeaseKeepAliveRequest): Promise<WithHeader<LeaseKeepAliveResponse>>;
  leaseTimeToLive(request: LeaseTimeToLiveRequest): Promise<WithHeader<LeaseTimeToLiveResponse>>;
  leaseLeases(): Promise<WithHeader<LeaseLeasesResponse>>;

  /**
   * Starts a watcher on this peer's copy. The listener gets etcd-shaped responses in
   * revision order (returning false asks for back-pressure and is honoured by pausing).
   * Throws a StoreError for a compacted start revision or too many watchers.
   */
  watch(request: WatchCreateRequest, listener: (response: WithHeader<WatchResponse>) => boolean | void): WatchHandle;

  status(): MemberStatus;
  memberList(options?: ReadOptions): Promise<WithHeader<{ members: Member[] }>>;
  memberAdd(request: { peerURLs: string[]; clientURLs?: string[]; name?: string; isLearner?: boolean }): Promise<WithHeader<{ member: Member; members: Member[] }>>;
  memberRemove(request: { id: string }): Promise<WithHeader<{ members: Member[] }>>;
  memberPromote(request: { id: string }): Promise<WithHeader<{ members: Member[] }>>;
  /** Asks this peer's raft to hand leadership to `memberId` (etcd's MoveLeader). */
  moveLeader(request: { targetId: string }): Promise<WithHeader<Record<string, never>>>;
}

export interface ReadOptions {
  readonly serializable?: boolean;
}

/**
 * etcd's ResponseHeader. cluster_id and member_id are uint64 in etcd; here they are
 * decimal strings derived from the cluster name and member name (see member-id.ts),
 * exactly as the JSON gateway prints int64 fields.
 */
export interface ClusterHeader {
  readonly clusterId: string;
  readonly memberId: string;
  readonly revision: number;
  readonly raftTerm: number;
}

export type WithHeader<T extends object> = Omit<T, 'header'> & { readonly header: ClusterHeader };

export interface WatchHandle {
  readonly watchId: number;
  readonly startRevision: number;
  /** Header for the "created" response. */
  readonly header: ClusterHeader;
  /** Starts delivery; call after the "created" response is on its way. */
  start(): void;
  /** Sends a progress notification (empty events, current revision) when the watcher is current. */
  requestProgress(): void;
  cancel(): void;
}

/** One member as etcd's Cluster service lists it. */
export interface Member {
  /** uint64 as a decimal string. */
  readonly ID: string;
  readonly name: string;
  readonly peerURLs: string[];
  readonly clientURLs: string[];
  readonly isLearner: boolean;
}

/** etcd's maintenance StatusResponse, plus what `raftplane status` prints. */
export interface MemberStatus {
  readonly header: ClusterHeader;
  readonly version: string;
  readonly dbSize: number;
  /** member_id (decimal) of the leader as this peer knows it; "0" when there is none. */
  readonly leader: string;
  readonly leaderName: string;
  readonly name: string;
  readonly role: 'follower' | 'pre-candidate' | 'candidate' | 'leader' | 'learner';
  /** The committed index, as etcd's raftIndex is ("the current raft committed index"). */
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  readonly commitIndex: number;
  readonly snapshotIndex: number;
  readonly isLearner: boolean;
  readonly errors: string[];
  /** The leader's view of each follower's match index (leader only). */
  readonly followers?: Record<string, { match: number; lag: number }>;
}
