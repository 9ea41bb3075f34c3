import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadClusterConfig } from './cluster-config.js';
import { sleepMs } from './stop-signal.js';

/**
 * Peers added while `up` runs (`member replace` starts them detached) are not `up`'s
 * children, yet belong to the cluster `up` stops. They are found through the config
 * file (which `member replace` updates) and the pid each peer writes to its data dir's
 * LOCK file. The pid is only signalled if /proc shows it really runs that peer, so a
 * stale LOCK whose pid was reused never makes us signal a stranger.
 */
export async function stopRuntimePeers(options: { config: string; dataDir?: string }, launched: ReadonlySet<string>, graceMs: number): Promise<void> {
  let config;
  try {
    config = loadClusterConfig(options.config, options.dataDir);
  } catch {
    return; // the file was broken after start: nothing more we can find
  }
  const extra = config.peers.filter((p) => !launched.has(p.id));
  await Promise.all(extra.map(async (peer) => {
    const pid = await peerPid(config.dataDir, peer.id);
    if (pid !== undefined) await terminate(pid, graceMs);
  }));
}

/** The pid of the live `raftplane peer --id <id>` process using <dataDir>/<id>, if any. */
export async function peerPid(dataDir: string, id: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(path.join(dataDir, id, 'LOCK'), 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  const idAt = args.indexOf('--id');
  return args.includes('peer') && idAt >= 0 && args[idAt + 1] === id ? pid : undefined;
}

async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signal(pid, 0)) return;
    await sleepMs(50);
  }
  signal(pid, 'SIGKILL');
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
