import { PeerError } from './errors.js';
import type { Member } from './kv-store.js';
import type { MemberInfo } from './member-directory.js';
import { memberIdOf, resolveMemberName } from './member-id.js';
import type { RaftPeer } from './raft-peer.js';

/** A learner may be promoted once it holds at least this share of the leader's log (as etcd). */
const PROMOTE_READY_RATIO = 0.9;
const MEMBER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface MemberAddRequest {
  readonly peerURLs: readonly string[];
  readonly clientURLs?: readonly string[];
  /** The new member's name (its --id); derived from the peer URL when absent. */
  readonly name?: string;
  readonly isLearner?: boolean;
}

/** etcd's Cluster service over the peer's Raft configuration and member directory. */
export class MembershipService {
  constructor(private readonly peer: RaftPeer) {}

  list(): Member[] {
    const conf = this.peer.status().confState;
    const learners = new Set(conf.learners);
    const ids = new Set([...conf.voters, ...conf.votersOutgoing, ...conf.learners, ...conf.learnersNext]);
    return [...ids].sort().map((id) => toMember(this.peer.members.get(id) ?? { id, peerUrl: '', clientUrl: '' }, learners.has(id)));
  }

  async add(request: MemberAddRequest): Promise<{ member: Member; members: Member[] }> {
    const peerUrl = request.peerURLs[0];
    if (peerUrl === undefined || request.peerURLs.length !== 1 || !isUrl(peerUrl, ['ws:', 'wss:', 'http:', 'https:'])) {
      throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: member add needs exactly one peer URL (ws://host:port)');
    }
    const name = request.name ?? `m-${memberIdOf(peerUrl).slice(0, 8)}`;
    if (!MEMBER_NAME.test(name)) throw new PeerError('PEER_BAD_MEMBERSHIP', `etcdserver: invalid member name "${name}"`);
    const existing = this.list();
    if (existing.some((m) => m.name === name)) throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: member ID already exist');
    // Compared as stored (http → ws, no trailing slash): `http://h:p` and `ws://h:p/` are one peer.
    const wsUrl = toWsUrl(peerUrl);
    if (existing.some((m) => m.peerURLs.some((url) => toWsUrl(url) === wsUrl))) throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: Peer URLs already exists');
    const info: MemberInfo = { id: name, peerUrl: wsUrl, clientUrl: request.clientURLs?.[0] ?? '' };
    const type = request.isLearner === true ? 'add-learner' : 'add-voter';
    await this.peer.changeMembership({ changes: [{ type, nodeId: name, context: JSON.stringify(info) }] });
    return { member: toMember(info, request.isLearner === true), members: this.list() };
  }

  async remove(idOrName: string): Promise<Member[]> {
    const name = this.resolve(idOrName);
    await this.peer.changeMembership({ changes: [{ type: 'remove-node', nodeId: name }] });
    return this.list();
  }

  async promote(idOrName: string): Promise<Member[]> {
    const name = this.resolve(idOrName);
    const status = this.peer.status();
    if (!status.confState.learners.includes(name)) {
      throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: can only promote a learner member');
    }
    if (status.role !== 'leader') {
      throw new PeerError('PEER_NO_LEADER', `etcdserver: not leader (send the promotion to ${status.leader || 'the leader'})`, { leader: status.leader });
    }
    const match = status.progress?.[name]?.match ?? 0;
    if (match < status.commit * PROMOTE_READY_RATIO) {
      throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: can only promote a learner member which is in sync with leader', { match, commit: status.commit });
    }
    const info = this.peer.members.get(name);
    const context = info === undefined ? {} : { context: JSON.stringify(info) };
    await this.peer.changeMembership({ changes: [{ type: 'add-voter', nodeId: name, ...context }] });
    return this.list();
  }

  async moveLeader(idOrName: string): Promise<void> {
    const name = this.resolve(idOrName);
    const status = this.peer.status();
    if (status.role !== 'leader') throw new PeerError('PEER_NO_LEADER', 'etcdserver: not leader', { leader: status.leader });
    if (!status.confState.voters.includes(name)) throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: bad leader transferee');
    this.peer.transferLeadership(name);
    const deadlineMs = Date.now() + 5000;
    while (this.peer.status().leader !== name) {
      if (Date.now() > deadlineMs) throw new PeerError('PEER_TIMEOUT', 'etcdserver: request timed out, leader transfer took too long');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private resolve(idOrName: string): string {
    const name = resolveMemberName(idOrName, this.list().map((m) => m.name));
    if (name === undefined) throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: member not found');
    return name;
  }
}

function toMember(info: MemberInfo, isLearner: boolean): Member {
  return {
    ID: memberIdOf(info.id),
    name: info.id,
    peerURLs: info.peerUrl === '' ? [] : [info.peerUrl],
    clientURLs: info.clientUrl === '' ? [] : [info.clientUrl],
    isLearner,
  };
}

function isUrl(text: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && url.port !== '';
  } catch {
    return false;
  }
}

/** Peer links are WebSockets; accept etcd-style http:// peer URLs and say what is meant. */
function toWsUrl(text: string): string {
  const url = new URL(text);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString().replace(/\/$/, '');
}
