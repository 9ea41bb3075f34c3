/**
 * The data the consensus core exchanges with its application: log entries, the
 * durable hard state, snapshots, messages, and the Ready batch. Everything here
 * is plain data so that storage and transport can encode it without knowing the core.
 */

import type { Mutable } from '../util/mutable.js';

/** Peers are named by stable string ids from the cluster config (e.g. "p1"). */
export type NodeId = string;

/** "No one": no leader known, no vote cast. */
export const NONE: NodeId = '';

export type EntryType = 'normal' | 'conf-change';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Application bytes for 'normal'; an encoded ConfChange for 'conf-change'. Empty for no-ops. */
  readonly data: Uint8Array;
}

/** What Raft requires to be on disk before a message that depends on it leaves the node. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/**
 * Cluster membership. With `votersOutgoing` non-empty the cluster is in a joint
 * configuration (Raft thesis §4.3): decisions need a majority of both voter sets.
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  /** Learners that become voters when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** The application's state machine image at meta.index. */
  readonly data: Uint8Array;
}

export type MessageType =
  | 'append' // MsgApp: AppendEntries (§5.3)
  | 'append-resp'
  | 'heartbeat' // empty AppendEntries carrying the commit index (§5.2)
  | 'heartbeat-resp'
  | 'vote' // RequestVote (§5.2)
  | 'vote-resp'
  | 'pre-vote' // PreVote (thesis §9.6)
  | 'pre-vote-resp'
  | 'snapshot' // InstallSnapshot (§7)
  | 'propose' // a follower forwarding a proposal to the leader
  | 'read-index' // a follower asking the leader for a read index (thesis §6.4)
  | 'read-index-resp'
  | 'timeout-now' // leadership transfer: start an election now (thesis §3.10)
  | 'transfer-leader'; // a follower asking the leader to transfer leadership

export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** append: term of the entry before `entries`. vote: candidate's last log term. */
  readonly logTerm: number;
  /** append: index of the entry before `entries`. vote: candidate's last log index. resp: match/reject index. */
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  /** On a rejected append: the follower's hint for where the leader should probe next. */
  readonly rejectHint: number;
  readonly snapshot?: Snapshot;
  /** Opaque request context: read-index request ids, the campaign kind for vote messages. */
  readonly context?: Uint8Array;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** The answer to a ReadIndex request: once the application has applied `index`, the read may be served. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

/**
 * One batch of work for the application. Contract (see README.md):
 *   1. persist hardState, entries and snapshot (synced when mustSync);
 *   2. only then send messages;
 *   3. apply snapshot, then committedEntries, in order;
 *   4. call advance(ready).
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

export const EMPTY_CONF_STATE: ConfState = Object.freeze({
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
});

const EMPTY_BYTES = new Uint8Array(0);

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

type MessageFields = Partial<Message> & Pick<Message, 'type' | 'to'>;

/** Builds a message with every optional field at its zero value. */
export function makeMessage(fields: MessageFields & Pick<Message, 'from'>): Message {
  return messageFrom(fields, fields.from, fields.term ?? 0);
}

/**
 * makeMessage with the sender and term given apart (Raft.send fills them in). One
 * object of one shape, no spread: the leader builds several per proposal.
 */
export function messageFrom(fields: MessageFields, from: NodeId, term: number): Message {
  const m: Mutable<Message> = {
    type: fields.type,
    from,
    to: fields.to,
    term,
    logTerm: fields.logTerm ?? 0,
    index: fields.index ?? 0,
    entries: fields.entries ?? NO_ENTRIES,
    commit: fields.commit ?? 0,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? 0,
  };
  if (fields.snapshot !== undefined) m.snapshot = fields.snapshot;
  if (fields.context !== undefined) m.context = fields.context;
  return m;
}

export function emptyBytes(): Uint8Array {
  return EMPTY_BYTES;
}

export function isHardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Approximate wire size of an entry, used by byte limits. */
export function entryBytes(entry: Entry): number {
  return entrySizeBytes(entry.data.byteLength);
}

/** entryBytes of an entry with dataBytes of data. */
export function entrySizeBytes(dataBytes: number): number {
  return dataBytes + 24;
}
