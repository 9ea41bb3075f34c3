import type { NodeId } from '../raft/types.js';

/** Where a member can be reached. Carried in conf-change contexts and in snapshots. */
export interface MemberInfo {
  readonly id: NodeId;
  /** ws://host:port of the peer link listener. */
  readonly peerUrl: string;
  /** http(s)://host:port of the client API. */
  readonly clientUrl: string;
}

export function parseMemberInfo(context: string | undefined): MemberInfo | undefined {
  if (context === undefined) return undefined;
  try {
    const parsed = JSON.parse(context) as Partial<MemberInfo>;
    if (typeof parsed.id !== 'string' || typeof parsed.peerUrl !== 'string' || typeof parsed.clientUrl !== 'string') return undefined;
    return { id: parsed.id, peerUrl: parsed.peerUrl, clientUrl: parsed.clientUrl };
  } catch {
    return undefined;
  }
}

/** The addresses of every member this peer knows of, keyed by id, iterated in id order. */
export class MemberDirectory {
  private readonly members = new Map<NodeId, MemberInfo>();

  constructor(initial: readonly MemberInfo[] = []) {
    for (const m of initial) this.members.set(m.id, m);
  }

  set(member: MemberInfo): void {
    this.members.set(member.id, member);
  }

  delete(id: NodeId): void {
    this.members.delete(id);
  }

  get(id: NodeId): MemberInfo | undefined {
    return this.members.get(id);
  }

  list(): MemberInfo[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  replaceAll(members: readonly MemberInfo[]): void {
    this.members.clear();
    for (const m of members) this.members.set(m.id, m);
  }
}
