import { memberIdOf } from '../peer/member-id.js';
import { CliError } from './cli-error.js';
import { ClusterClient } from './cluster-client.js';
import { loadClusterConfig } from './cluster-config.js';

export interface MemberRow {
  readonly id: string;
  readonly name: string;
  readonly peerURLs: string[];
  readonly clientURLs: string[];
  readonly isLearner: boolean;
}

export interface ClusterTarget {
  readonly config: string;
  readonly dataDir?: string;
}

export function clientFor(target: ClusterTarget): ClusterClient {
  return new ClusterClient(loadClusterConfig(target.config, target.dataDir).peers);
}

export async function listMembers(client: ClusterClient): Promise<MemberRow[]> {
  const reply = await client.call('/v3/cluster/member/list', { linearizable: true });
  return membersOf(reply);
}

/** `raftplane member list`: etcdctl's simple format (hex id, status, name, peer, client, learner). */
export async function runMemberList(target: ClusterTarget & { json?: boolean }, write: (line: string) => void): Promise<number> {
  const members = await listMembers(clientFor(target));
  if (target.json === true) {
    write(JSON.stringify({ members }));
    return 0;
  }
  for (const m of members) write([hexId(m.id), 'started', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)].join(', '));
  return 0;
}

export interface MemberAddOptions extends ClusterTarget {
  readonly name: string;
  readonly peerUrl: string;
  readonly clientUrl?: string;
  readonly learner?: boolean;
}

export async function addMember(client: ClusterClient, options: Omit<MemberAddOptions, keyof ClusterTarget>): Promise<MemberRow[]> {
  const reply = await client.call('/v3/cluster/member/add', {
    name: options.name,
    peerURLs: [options.peerUrl],
    ...(options.clientUrl !== undefined ? { clientURLs: [options.clientUrl] } : {}),
    isLearner: options.learner === true,
  });
  return membersOf(reply);
}

export async function runMemberAdd(options: MemberAddOptions, write: (line: string) => void): Promise<number> {
  const client = clientFor(options);
  await addMember(client, options);
  write(`Member ${hexId(memberIdOf(options.name))} (${options.name}) added${options.learner === true ? ' as a learner' : ''}`);
  write(`Start it with: raftplane peer --config <file listing ${options.name}> --id ${options.name} --initial-cluster-state existing`);
  return 0;
}

export async function changeMember(client: ClusterClient, verb: 'promote' | 'remove', name: string): Promise<MemberRow[]> {
  return membersOf(await client.call(`/v3/cluster/member/${verb}`, { ID: memberIdOf(name) }));
}

export async function runMemberChange(target: ClusterTarget & { verb: 'promote' | 'remove'; name: string }, write: (line: string) => void): Promise<number> {
  await changeMember(clientFor(target), target.verb, target.name);
  write(`Member ${hexId(memberIdOf(target.name))} (${target.name}) ${target.verb === 'promote' ? 'promoted' : 'removed'}`);
  return 0;
}

function membersOf(reply: Record<string, unknown>): MemberRow[] {
  const list = reply['members'];
  if (!Array.isArray(list)) throw new CliError('CLI_REQUEST_FAILED', `unexpected member list answer: ${JSON.stringify(reply).slice(0, 200)}`);
  return list.map((raw: Record<string, unknown>) => ({
    id: String(raw['ID'] ?? '0'),
    name: String(raw['name'] ?? ''),
    peerURLs: Array.isArray(raw['peerURLs']) ? raw['peerURLs'].map(String) : [],
    clientURLs: Array.isArray(raw['clientURLs']) ? raw['clientURLs'].map(String) : [],
    isLearner: raw['isLearner'] === true,
  }));
}

function hexId(decimal: string): string {
  return /^\d+$/.test(decimal) ? BigInt(decimal).toString(16) : decimal;
}
