import { isIP } from 'node:net';
import { CliError } from './cli-error.js';
import { ClusterClient } from './cluster-client.js';
import { apiUrlOf, loadClusterConfig, peerUrlOf, type PeerSpec } from './cluster-config.js';
import { editConfigPeers } from './cluster-config-edit.js';
import { addMember, changeMember, listMembers } from './member-command.js';
import { leaderOf, probeCluster, probePeer } from './peer-probe.js';
import { PeerSupervisor, peerArgs, peerLogPath } from './peer-supervisor.js';
import { sleepMs } from './stop-signal.js';

export interface MemberReplaceOptions {
  readonly config: string;
  readonly dataDir?: string;
  readonly dead: string;
  readonly replacement: PeerSpec;
  /** Bounded wait for the new peer to start and catch up. */
  readonly waitMs: number;
}

const POLL_MS = 200;

/**
 * Replaces a dead member without downtime, in the order that never shrinks the
 * quorum's margin: add the new peer as a learner (it does not count towards quorum),
 * start it, wait until it has caught up, promote it, and only then remove the dead one.
 *
 * The config file follows along: the new peer is added to it before it starts (the
 * peer reads its ports from it) and the dead one is dropped at the end, so `up` and
 * `status` see the cluster as it now is.
 */
export async function runMemberReplace(options: MemberReplaceOptions, write: (line: string) => void): Promise<number> {
  const config = loadClusterConfig(options.config, options.dataDir);
  const fresh = options.replacement;
  if (!config.peers.some((p) => p.id === options.dead)) throw new CliError('CLI_USAGE', `--dead ${options.dead} is not in ${config.file}`);
  if (options.dead === fresh.id) throw new CliError('CLI_USAGE', '--new must differ from --dead');
  editConfigPeers(config.file, { add: fresh, dryRun: true }); // refuse bad ids or taken ports before touching the cluster
  const client = new ClusterClient(config.peers);

  const members = await listMembers(client);
  const current = members.find((m) => m.name === fresh.id);
  if (current === undefined) {
    await addMember(client, { name: fresh.id, peerUrl: peerUrlOf(fresh), clientUrl: apiUrlOf(fresh), learner: true });
    write(`added ${fresh.id} as a learner (${peerUrlOf(fresh)})`);
  } else if (!current.isLearner && config.peers.some((p) => p.id === fresh.id)) {
    // A voter of the config file is a live peer, not a replacement half made by an earlier run.
    throw new CliError('CLI_USAGE', `--new ${fresh.id} is already a voting member of this cluster; give the replacement a new id`);
  } else {
    write(`${fresh.id} is already a member; continuing`);
  }
  editConfigPeers(config.file, { add: fresh });
  const launch = { id: fresh.id, configFile: config.file, dataDir: config.dataDir, initialClusterState: 'existing' as const };
  if (isLocalHost(fresh.host)) {
    const child = new PeerSupervisor(() => undefined).start(launch, { detached: true });
    write(`started ${fresh.id} (pid ${child.pid ?? '?'}), log ${peerLogPath(config.dataDir, fresh.id)}`);
  } else {
    write(`start ${fresh.id} on ${fresh.host} with the same config file and secret:`);
    write(`  raftplane ${peerArgs(launch).slice(1).join(' ')}`);
  }

  await waitCaughtUp(config.peers, fresh, options.waitMs);
  write(`${fresh.id} has caught up`);
  await retryUntil(options.waitMs, () => changeMember(new ClusterClient([...config.peers, fresh]), 'promote', fresh.id));
  write(`promoted ${fresh.id} to voter`);
  await changeMember(new ClusterClient([...config.peers.filter((p) => p.id !== options.dead), fresh]), 'remove', options.dead);
  editConfigPeers(config.file, { removeId: options.dead });
  write(`removed ${options.dead}; ${config.file} now lists ${fresh.id} instead of ${options.dead}`);
  return 0;
}

/** Caught up: the new peer has applied at least what the leader had committed when we looked. */
async function waitCaughtUp(peers: readonly PeerSpec[], fresh: PeerSpec, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const leader = leaderOf(await probeCluster(peers, 1_000));
    const mine = await probePeer(fresh, 1_000);
    const target = leader?.commitIndex;
    if (target !== undefined && mine.appliedIndex !== undefined && mine.appliedIndex >= target) return;
    await sleepMs(POLL_MS);
  }
  throw new CliError('CLI_TIMEOUT', `${fresh.id} did not catch up within ${waitMs} ms (see its log); it stays a learner, ${peers.length} voters unchanged`);
}

/** The leader refuses promotion until the learner is in sync: retry that answer only. */
async function retryUntil<T>(waitMs: number, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline || !/in sync|not leader|leader changed|timed out/.test((error as Error).message)) throw error;
      await sleepMs(POLL_MS);
    }
  }
}

function isLocalHost(host: string): boolean {
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}
