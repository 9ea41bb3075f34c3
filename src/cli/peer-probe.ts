import { memberIdOf } from '../peer/member-id.js';
import { apiUrlOf, type PeerSpec } from './cluster-config.js';
import { httpRequest, numberField, postJson } from './http-json.js';

/** What one peer says about itself (etcd's maintenance Status plus /readyz). */
export interface PeerProbe {
  readonly id: string;
  readonly api: string;
  readonly reachable: boolean;
  readonly role?: string;
  readonly term?: number;
  /** Name of the leader as this peer knows it; '' when it knows none. */
  readonly leader?: string;
  /** The committed index as this peer knows it (etcd's raftIndex). */
  readonly commitIndex?: number;
  readonly appliedIndex?: number;
  readonly ready: boolean;
  /** Why it is unreachable or not ready. */
  readonly problem?: string;
}

/** Asks one peer for its status and readiness; never throws. `names` maps member ids back to peer names. */
export async function probePeer(peer: PeerSpec, timeoutMs: number, names: ReadonlyMap<string, string> = namesOf([peer])): Promise<PeerProbe> {
  const api = apiUrlOf(peer);
  let status: Record<string, unknown>;
  try {
    status = await postJson(api, '/v3/maintenance/status', {}, timeoutMs);
  } catch (error) {
    return { id: peer.id, api, reachable: false, ready: false, problem: (error as Error).message };
  }
  const readiness = await httpRequest(`${api}/readyz`, { timeoutMs }).catch((error: Error) => ({ status: 0, text: error.message }));
  const ready = readiness.status === 200;
  const header = typeof status['header'] === 'object' && status['header'] !== null ? (status['header'] as Record<string, unknown>) : {};
  return {
    id: peer.id,
    api,
    reachable: true,
    ready,
    role: roleOf(status, header),
    ...defined('term', numberField(status, 'raftTerm') ?? numberField(header, 'raft_term')),
    leader: leaderNameOf(status, names),
    ...defined('commitIndex', numberField(status, 'raftIndex')),
    ...defined('appliedIndex', numberField(status, 'raftAppliedIndex')),
    ...(ready ? {} : { problem: readiness.text.trim().split('\n').slice(-3).join('; ') }),
  };
}

export async function probeCluster(peers: readonly PeerSpec[], timeoutMs: number): Promise<PeerProbe[]> {
  const names = namesOf(peers);
  return Promise.all(peers.map((peer) => probePeer(peer, timeoutMs, names)));
}

/** member id (decimal, as the gateway prints it) → peer name. */
export function namesOf(peers: readonly PeerSpec[]): Map<string, string> {
  return new Map(peers.map((p) => [memberIdOf(p.id), p.id]));
}

/** etcd's Status has no role: a peer leads when the leader it names is itself. */
function roleOf(status: Record<string, unknown>, header: Record<string, unknown>): string {
  if (typeof status['role'] === 'string') return status['role'];
  if (status['isLearner'] === true) return 'learner';
  const leader = String(status['leader'] ?? '0');
  if (leader === '0') return 'no leader';
  return leader === String(header['member_id'] ?? '') ? 'leader' : 'follower';
}

function leaderNameOf(status: Record<string, unknown>, names: ReadonlyMap<string, string>): string {
  if (typeof status['leaderName'] === 'string') return status['leaderName'];
  const leader = String(status['leader'] ?? '0');
  if (leader === '0') return '';
  return names.get(leader) ?? (/^\d+$/.test(leader) ? BigInt(leader).toString(16) : leader);
}

/** The leader most reachable peers agree on, if any peer claims the role. */
export function leaderOf(probes: readonly PeerProbe[]): PeerProbe | undefined {
  const leaders = probes.filter((p) => p.role === 'leader').sort((a, b) => (b.term ?? 0) - (a.term ?? 0));
  return leaders[0];
}

/** Is a majority of the configured peers reachable and ready? */
export function quorumHealthy(probes: readonly PeerProbe[]): boolean {
  return probes.filter((p) => p.ready).length > probes.length / 2;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
