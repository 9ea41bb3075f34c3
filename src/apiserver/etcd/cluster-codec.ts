import type { ClusterHeader, Member, MemberStatus } from '../../peer/kv-store.js';
import { JsonFields } from './json-fields.js';
import { boolOut, definedOnly, headerOut, idOut, int64Out, listOut, stringOut, withoutUndefined, type JsonObject } from './json-out.js';

export interface MemberAddInput {
  peerURLs: string[];
  clientURLs?: string[];
  name?: string;
  isLearner?: boolean;
}

/** etcd's MemberAddRequest, plus `name` (raftplane members are named, not numbered). */
export function decodeMemberAddRequest(fields: JsonFields): MemberAddInput {
  return withoutUndefined<MemberAddInput>({
    peerURLs: fields.list('peerURLs').map((url) => JsonFields.of({ u: url }).string('u') ?? ''),
    clientURLs: fields.has('clientURLs') ? fields.list('clientURLs').map((url) => JsonFields.of({ u: url }).string('u') ?? '') : undefined,
    name: fields.string('name'),
    isLearner: fields.bool('isLearner'),
  });
}

export function decodeMemberId(fields: JsonFields): { id: string } {
  return { id: fields.id('ID', 'uint64') ?? '0' };
}

export function decodeMoveLeaderRequest(fields: JsonFields): { targetId: string } {
  return { targetId: fields.id('targetID', 'uint64') ?? '0' };
}

export function memberOut(member: Member): JsonObject {
  return definedOnly({
    ID: idOut(member.ID),
    name: stringOut(member.name),
    peerURLs: listOut(member.peerURLs, String),
    clientURLs: listOut(member.clientURLs, String),
    isLearner: boolOut(member.isLearner),
  });
}

/** etcd's Cluster service answers with a header that has no revision. */
export function clusterHeaderOut(header: ClusterHeader): JsonObject | undefined {
  return headerOut(header, { withRevision: false });
}

export function membersResponseOut(response: { header: ClusterHeader; members: Member[]; member?: Member }): JsonObject {
  return definedOnly({
    header: clusterHeaderOut(response.header),
    member: response.member === undefined ? undefined : memberOut(response.member),
    members: listOut(response.members, memberOut),
  });
}

/** etcd 3.4's StatusResponse fields, in .proto order. */
export function statusResponseOut(status: MemberStatus): JsonObject {
  return definedOnly({
    header: headerOut(status.header),
    version: stringOut(status.version),
    dbSize: int64Out(status.dbSize),
    leader: idOut(status.leader),
    raftIndex: int64Out(status.raftIndex),
    raftTerm: int64Out(status.raftTerm),
    raftAppliedIndex: int64Out(status.raftAppliedIndex),
    errors: listOut(status.errors, String),
    dbSizeInUse: int64Out(status.dbSize),
    isLearner: boolOut(status.isLearner),
  });
}
