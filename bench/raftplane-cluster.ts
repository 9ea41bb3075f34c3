import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RaftplaneCluster {
  readonly apiUrls: string[];
  /** The peers' ids, in the order of apiUrls. */
  readonly peerIds: string[];
  stop(): Promise<void>;
}

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

/** A 3-peer raftplane cluster started with `raftplane up`, each peer its own process. */
export async function startRaftplaneCluster(dataDir: string, basePort: number, peers = 3, raft: { snapshotEveryEntries?: number } = {}): Promise<RaftplaneCluster> {
  const lines = [
    'name: bench',
    `dataDir: ${dataDir}`,
    `loadBalancer: { host: 127.0.0.1, port: ${basePort + 99} }`,
    `raft: { heartbeatMs: 50, electionTimeoutMs: 500${raft.snapshotEveryEntries !== undefined ? `, snapshotEveryEntries: ${raft.snapshotEveryEntries}` : ''} }`,
    'peers:',
    ...Array.from({ length: peers }, (_, i) => `  - { id: p${i + 1}, host: 127.0.0.1, apiPort: ${basePort + 2 * i}, peerPort: ${basePort + 2 * i + 1} }`),
  ];
  mkdirSync(dataDir, { recursive: true });
  const config = path.join(dataDir, 'bench.yaml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const up = spawn(process.execPath, [MAIN, 'up', '--config', config, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raftplane up did not print ready within 30 s')), 30_000);
    let out = '';
    up.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^ready/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    up.once('exit', (code) => reject(new Error(`raftplane up exited with ${code}`)));
  });
  const endpoints = JSON.parse(readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as { peers: { id: string; api: string }[] };
  return {
    apiUrls: endpoints.peers.map((p) => p.api),
    peerIds: endpoints.peers.map((p) => p.id),
    stop: async () => {
      up.kill('SIGTERM');
      await new Promise((r) => (up.exitCode !== null ? r(null) : up.once('exit', r)));
    },
  };
}
