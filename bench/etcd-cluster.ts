import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface EtcdCluster {
  readonly clientUrls: string[];
  stop(): Promise<void>;
}

export function etcdAvailable(): boolean {
  return spawnSync('etcd', ['--version']).error === undefined;
}

/** A 3-member etcd on loopback, each member its own process and data dir (fsync on, defaults). */
export async function startEtcdCluster(dataDir: string, basePort: number, members = 3): Promise<EtcdCluster> {
  const names = Array.from({ length: members }, (_, i) => `e${i + 1}`);
  const peerUrl = (i: number): string => `http://127.0.0.1:${basePort + 2 * i + 1}`;
  const clientUrl = (i: number): string => `http://127.0.0.1:${basePort + 2 * i}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const procs: ChildProcess[] = names.map((name, i) => {
    const dir = path.join(dataDir, name);
    mkdirSync(dir, { recursive: true });
    return spawn(
      'etcd',
      [
        '--name', name, '--data-dir', dir,
        '--listen-client-urls', clientUrl(i), '--advertise-client-urls', clientUrl(i),
        '--listen-peer-urls', peerUrl(i), '--initial-advertise-peer-urls', peerUrl(i),
        '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'bench',
        '--logger', 'zap', '--log-level', 'error',
      ],
      { stdio: 'ignore' },
    );
  });
  const clientUrls = names.map((_, i) => clientUrl(i));
  const deadline = Date.now() + 20_000;
  for (const url of clientUrls) {
    while (!(await healthy(url))) {
      if (Date.now() > deadline) throw new Error(`etcd at ${url} did not become healthy`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    clientUrls,
    stop: async () => {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    },
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}
