import { loadClusterConfig } from './cluster-config.js';
import { leaderOf, probeCluster, quorumHealthy, type PeerProbe } from './peer-probe.js';

const PROBE_TIMEOUT_MS = 2_000;

export interface StatusRow {
  readonly id: string;
  readonly api: string;
  readonly role: string;
  readonly term: number | null;
  readonly leader: string;
  readonly commitIndex: number | null;
  readonly appliedIndex: number | null;
  /** The leader's last log index minus this peer's applied index. */
  readonly lag: number | null;
  readonly health: string;
}

/** `raftplane status`: one row per configured peer; exit 0 only when a quorum is healthy. */
export async function runStatusCommand(options: { config: string; dataDir?: string; json?: boolean }, write: (line: string) => void): Promise<number> {
  const config = loadClusterConfig(options.config, options.dataDir);
  const probes = await probeCluster(config.peers, PROBE_TIMEOUT_MS);
  const rows = statusRows(probes);
  const healthy = quorumHealthy(probes);
  if (options.json === true) {
    write(JSON.stringify({ cluster: config.name, quorumHealthy: healthy, leader: leaderOf(probes)?.id ?? null, peers: rows }));
  } else {
    for (const line of formatTable(rows)) write(line);
    write(healthy ? `quorum healthy (${probes.filter((p) => p.ready).length}/${probes.length} ready)` : `quorum NOT healthy (${probes.filter((p) => p.ready).length}/${probes.length} ready)`);
  }
  return healthy ? 0 : 1;
}

export function statusRows(probes: readonly PeerProbe[]): StatusRow[] {
  const leader = leaderOf(probes);
  return probes.map((p) => ({
    id: p.id,
    api: p.api,
    role: p.reachable ? (p.role ?? '?') : 'unreachable',
    term: p.term ?? null,
    leader: p.leader ?? '',
    commitIndex: p.commitIndex ?? null,
    appliedIndex: p.appliedIndex ?? null,
    lag: leader?.commitIndex !== undefined && p.appliedIndex !== undefined ? Math.max(0, leader.commitIndex - p.appliedIndex) : null,
    health: !p.reachable ? 'unreachable' : p.ready ? 'ready' : notReadyText(p.problem),
  }));
}

function formatTable(rows: readonly StatusRow[]): string[] {
  const header = ['ID', 'API', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'LAG', 'HEALTH'];
  const cells = rows.map((r) => [r.id, r.api, r.role, show(r.term), r.leader || '-', show(r.commitIndex), show(r.appliedIndex), show(r.lag), r.health]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...cells.map(line)];
}

function show(value: number | null): string {
  return value === null ? '-' : String(value);
}

/** /readyz already says "not ready: <why>"; print it once. */
function notReadyText(problem: string | undefined): string {
  if (problem === undefined || problem === '') return 'not ready';
  return problem.startsWith('not ready') ? problem : `not ready: ${problem}`;
}
